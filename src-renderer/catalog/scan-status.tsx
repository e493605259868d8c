import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScanLog, ScanMode } from '../../src-shared/api/catalog-model';
import { api } from '../api/client';
import { errorText } from '../api/error-text';
import { formatCount, formatDateTime } from '../app/format';
import { useAsync } from '../app/use-async';
import { progressPercent } from './catalog-text';
import { useLiveScan, type LiveScan } from './scan-store';

/** What a status line shows: the stored scan, overlaid by live events of the same or a newer scan. */
type ShownScan = Pick<ScanLog, 'status' | 'tables_done' | 'tables_total' | 'attempts' | 'error'> & {
  finished_at: string | null;
};

function shownScan(stored: ScanLog | null, live: LiveScan | undefined): ShownScan | null {
  if (live && (!stored || live.scan_id === stored.id || live.status === 'running')) {
    const same = stored?.id === live.scan_id;
    return { ...live, finished_at: same ? stored.finished_at : null };
  }
  return stored;
}

/** The state of a scan in words and a bar: never, running n of m, done at, failed with why. */
export function ScanState({ scan }: { scan: ShownScan | null }) {
  const { t, i18n } = useTranslation();
  if (!scan) {
    return (
      <span className="badge" data-testid="scan-state" data-status="never">
        {t('catalog.never_scanned')}
      </span>
    );
  }
  const percent = progressPercent(scan);
  return (
    <div className="scan-state-line">
      <span className={`badge badge-${scan.status}`} data-testid="scan-state" data-status={scan.status}>
        {t(
          `catalog.${scan.status === 'running' ? 'scanning' : scan.status === 'failed' ? 'scan_failed' : 'scanned'}`,
        )}
      </span>
      {scan.status === 'running' && (
        <span className="scan-progress" data-testid="scan-progress">
          <span className="scan-bar">
            <span className="scan-bar-fill" style={{ width: `${percent ?? 0}%` }} />
          </span>
          <span className="muted small">
            {scan.tables_total === null
              ? t('catalog.listing')
              : t('catalog.progress', {
                  done: formatCount(scan.tables_done, i18n.language),
                  total: formatCount(scan.tables_total, i18n.language),
                })}
            {scan.attempts > 1 && ` · ${t('catalog.retrying', { attempt: scan.attempts })}`}
          </span>
        </span>
      )}
      {scan.status !== 'running' && scan.finished_at && (
        <span className="muted small">{formatDateTime(scan.finished_at, i18n.language)}</span>
      )}
      {scan.status === 'failed' && scan.error && (
        <span className="scan-error" data-testid="scan-error" title={scan.error}>
          {scan.error}
        </span>
      )}
    </div>
  );
}

/** The Scan button: starts an incremental (or full) scan; disabled while one runs. */
export function ScanButton({
  connectionId,
  running,
  mode = 'incremental',
  onStarted,
  onError,
}: {
  connectionId: string;
  running: boolean;
  mode?: ScanMode;
  onStarted?: (scan: ScanLog) => void;
  onError?: (message: string) => void;
}) {
  const { t } = useTranslation();
  const [starting, setStarting] = useState(false);
  const start = async () => {
    setStarting(true);
    try {
      onStarted?.(await api.startCatalogScan({ connection_id: connectionId, mode }));
    } catch (error) {
      onError?.(errorText(error).message);
    } finally {
      setStarting(false);
    }
  };
  return (
    <button
      type="button"
      className="button small"
      data-testid={mode === 'full' ? 'scan-full' : 'scan-now'}
      title={mode === 'full' ? t('catalog.scan_full_hint') : undefined}
      disabled={running || starting}
      onClick={() => void start()}
    >
      {mode === 'full' ? t('catalog.scan_full') : `⟳ ${t('catalog.scan_now')}`}
    </button>
  );
}

/**
 * A connection's latest catalog scan, live: state, progress, error, and a Scan button. For the
 * rows of the Connections page and the catalog's connection panel.
 */
export function ScanStatus({ connectionId }: { connectionId: string }) {
  const live = useLiveScan(connectionId);
  const [startError, setStartError] = useState<string | null>(null);
  const latest = useAsync(
    () => api.listCatalogScans({ connection_id: connectionId, limit: 1 }).then((scans) => scans[0] ?? null),
    [connectionId],
  );
  const { reload } = latest;
  const ended = live && live.status !== 'running' ? `${live.scan_id}:${live.status}` : '';
  useEffect(() => {
    if (ended) reload();
  }, [ended, reload]);
  const scan = shownScan(latest.data, live);
  return (
    <div className="scan-status" data-testid="scan-status" data-connection-id={connectionId}>
      <ScanState scan={scan} />
      <ScanButton
        connectionId={connectionId}
        running={scan?.status === 'running'}
        onStarted={() => {
          setStartError(null);
          reload();
        }}
        onError={setStartError}
      />
      {startError && <span className="scan-error">{startError}</span>}
    </div>
  );
}
