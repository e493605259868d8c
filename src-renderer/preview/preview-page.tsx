import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import type { Connection } from '../../src-shared/api/connection-model';
import {
  DEFAULT_PREVIEW_LIMIT,
  MAX_PREVIEW_LIMIT,
  type CountResult,
  type MaskMode,
  type MaskSpec,
  type PreviewResult,
} from '../../src-shared/api/preview-model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { formatDuration } from '../app/format';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import { DataGrid } from './data-grid';
import { SqlEditor } from './sql-editor';

/** Connectors a preview can read. */
const PREVIEW_TYPES = new Set(['postgresql', 'mysql', 'sqlite']);

type Mode = 'table' | 'sql';

/** What the last Run asked for, so Count and mask changes work on the same source. */
type Request =
  { mode: 'table'; connection: string; table: string } | { mode: 'sql'; connection: string; sql: string };

function RowCountText({ result, counted }: { result: PreviewResult; counted: CountResult | null }) {
  const { t, i18n } = useTranslation();
  const number = (n: number) => n.toLocaleString(i18n.language);
  if (counted)
    return (
      <span data-testid="preview-counted">
        {t('preview.counted', {
          value: number(counted.count),
          duration: formatDuration(counted.duration_ms),
        })}
      </span>
    );
  const { kind, value } = result.row_count;
  return (
    <span data-testid="preview-row-count" data-kind={kind}>
      {kind === 'unknown'
        ? t('preview.count_unknown')
        : t(`preview.count_${kind}`, { value: number(value ?? 0) })}
    </span>
  );
}

function MaskPicker({
  columns,
  mask,
  onChange,
}: {
  columns: string[];
  mask: MaskSpec;
  onChange: (mask: MaskSpec) => void;
}) {
  const { t } = useTranslation();
  if (columns.length === 0) return <div className="muted small">{t('preview.mask_empty')}</div>;
  return (
    <div className="mask-picker" data-testid="mask-picker">
      <div className="muted small">{t('preview.mask_help')}</div>
      <div className="mask-columns">
        {columns.map((name) => (
          <label key={name} className="mask-column">
            <span className="mono">{name}</span>
            <select
              value={mask[name] ?? ''}
              data-testid="mask-select"
              data-column={name}
              onChange={(event) => {
                const next = { ...mask };
                if (event.target.value === '') delete next[name];
                else next[name] = event.target.value as MaskMode;
                onChange(next);
              }}
            >
              <option value="">{t('preview.mask_none')}</option>
              <option value="hash">{t('preview.mask_hash')}</option>
              <option value="partial">{t('preview.mask_partial')}</option>
            </select>
          </label>
        ))}
      </div>
    </div>
  );
}

/**
 * The first rows of a table or of a read-only query on a saved connection, with column types
 * and statistics, an exact count on request, and masking. Opened from other pages as
 * `#/preview?connection=<id>&table=<schema.table>`, which runs the table preview at once.
 */
export function PreviewPage() {
  const { t, i18n } = useTranslation();
  const params = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const linkedConnection = params.get('connection') ?? '';
  const linkedTable = params.get('table') ?? '';

  const connections = useAsync(() => api.listConnections({}), []);
  const usable = useMemo(
    () => (connections.data ?? []).filter((c: Connection) => PREVIEW_TYPES.has(c.type)),
    [connections.data],
  );
  const [connectionId, setConnectionId] = useState(linkedConnection);
  const [mode, setMode] = useState<Mode>('table');
  const [table, setTable] = useState(linkedTable);
  const [sql, setSql] = useState('SELECT * FROM ');
  const [limit, setLimit] = useState(DEFAULT_PREVIEW_LIMIT);
  const [mask, setMask] = useState<MaskSpec>({});
  const [maskOpen, setMaskOpen] = useState(false);
  const [showStats, setShowStats] = useState(false);
  const [result, setResult] = useState<PreviewResult | null>(null);
  const [error, setError] = useState<ErrorText | null>(null);
  const [running, setRunning] = useState(false);
  const [counted, setCounted] = useState<CountResult | null>(null);
  const [counting, setCounting] = useState(false);
  const lastRequest = useRef<Request | null>(null);
  const runNumber = useRef(0);

  const tables = useAsync(
    () => (connectionId ? api.listPreviewTables({ connection_id: connectionId }) : Promise.resolve([])),
    [connectionId],
  );

  // With no connection chosen, take the only one there is.
  useEffect(() => {
    if (!connectionId && usable.length === 1) setConnectionId(usable[0].id);
  }, [connectionId, usable]);

  const run = useCallback(
    async (request: Request, masks: MaskSpec) => {
      const number = ++runNumber.current;
      lastRequest.current = request;
      setRunning(true);
      setError(null);
      try {
        const options = {
          connection_id: request.connection,
          limit,
          ...(Object.keys(masks).length ? { mask: masks } : {}),
        };
        const answer =
          request.mode === 'table'
            ? await api.previewTable({ ...options, table: request.table })
            : await api.previewQuery({ ...options, sql: request.sql });
        if (number !== runNumber.current) return;
        setResult(answer);
        setCounted(null);
      } catch (failure) {
        if (number !== runNumber.current) return;
        // Rows of an earlier run under the error would read as this run's.
        setResult(null);
        setError(errorText(failure));
      } finally {
        if (number === runNumber.current) setRunning(false);
      }
    },
    [limit],
  );

  const runCurrent = useCallback(() => {
    if (!connectionId) return;
    if (mode === 'table') {
      if (!table.trim()) return;
      navigate(`/preview?${new URLSearchParams({ connection: connectionId, table: table.trim() })}`, {
        replace: true,
      });
      void run({ mode: 'table', connection: connectionId, table: table.trim() }, mask);
    } else if (sql.trim()) void run({ mode: 'sql', connection: connectionId, sql }, mask);
  }, [connectionId, mode, table, sql, mask, run, navigate]);

  // A link with a connection and a table previews it right away (and again when the link changes).
  useEffect(() => {
    if (!linkedConnection || !linkedTable) return;
    setConnectionId(linkedConnection);
    setTable(linkedTable);
    setMode('table');
    const last = lastRequest.current;
    if (last?.mode === 'table' && last.connection === linkedConnection && last.table === linkedTable) return;
    setMask({});
    void run({ mode: 'table', connection: linkedConnection, table: linkedTable }, {});
    // Only a new link starts a preview; edits on the page wait for Run.
  }, [linkedConnection, linkedTable]);

  const changeMask = (next: MaskSpec) => {
    setMask(next);
    if (lastRequest.current) void run(lastRequest.current, next);
  };

  const countExactly = async () => {
    const last = lastRequest.current;
    if (last?.mode !== 'table') return;
    setCounting(true);
    setError(null);
    try {
      setCounted(await api.countRows({ connection_id: last.connection, table: last.table }));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setCounting(false);
    }
  };

  const columnNames = result?.columns.map((c) => c.name) ?? [];
  const maskedCount = Object.keys(mask).length;

  return (
    <section className="page preview-page" data-testid="preview-page">
      <div className="page-header">
        <h1>{t('preview.title')}</h1>
      </div>
      {connections.data && usable.length === 0 && (
        <div className="empty" data-testid="preview-no-connections">
          {t('preview.no_connections')} <Link href="/connections">{t('preview.to_connections')}</Link>
        </div>
      )}
      <div className="panel preview-controls">
        <div className="toolbar preview-toolbar">
          <label className="field inline">
            <span>{t('preview.connection')}</span>
            <select
              value={connectionId}
              data-testid="preview-connection"
              onChange={(event) => {
                setConnectionId(event.target.value);
                setMask({});
              }}
            >
              <option value="">{t('preview.choose_connection')}</option>
              {usable.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.type})
                </option>
              ))}
            </select>
          </label>
          <div className="tabs" role="tablist">
            {(['table', 'sql'] as const).map((m) => (
              <button
                key={m}
                type="button"
                role="tab"
                aria-selected={mode === m}
                className={mode === m ? 'tab active' : 'tab'}
                data-testid={`preview-mode-${m}`}
                onClick={() => setMode(m)}
              >
                {t(`preview.mode_${m}`)}
              </button>
            ))}
          </div>
          {mode === 'table' && (
            <label className="field inline grow">
              <span>{t('preview.table')}</span>
              <input
                list="preview-tables"
                value={table}
                placeholder={t('preview.table_placeholder')}
                data-testid="preview-table"
                onChange={(event) => {
                  setTable(event.target.value);
                  setMask({});
                }}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') runCurrent();
                }}
              />
              <datalist id="preview-tables">
                {(tables.data ?? []).map((info) => (
                  <option key={info.name} value={info.name}>
                    {info.kind === 'view' ? t('preview.view') : ''}
                  </option>
                ))}
              </datalist>
            </label>
          )}
          {mode === 'sql' && <div className="grow" />}
          <label className="field inline">
            <span>{t('preview.limit')}</span>
            <input
              type="number"
              className="limit-input"
              min={1}
              max={MAX_PREVIEW_LIMIT}
              value={limit}
              data-testid="preview-limit"
              onChange={(event) =>
                setLimit(
                  Math.min(MAX_PREVIEW_LIMIT, Math.max(1, Math.trunc(Number(event.target.value) || 1))),
                )
              }
            />
          </label>
          <button
            type="button"
            className={maskOpen ? 'button active' : 'button'}
            data-testid="preview-mask-toggle"
            onClick={() => setMaskOpen(!maskOpen)}
          >
            {maskedCount > 0
              ? t('preview.mask_button_active', { count: maskedCount })
              : t('preview.mask_button')}
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="preview-run"
            disabled={running || !connectionId || (mode === 'table' ? !table.trim() : !sql.trim())}
            onClick={runCurrent}
          >
            {running ? t('preview.running') : t('preview.run')}
          </button>
        </div>
        {mode === 'sql' && (
          <div className="sql-area">
            <SqlEditor value={sql} onChange={setSql} onRun={runCurrent} />
            <div className="muted small sql-hint">{t('preview.sql_hint')}</div>
          </div>
        )}
        {maskOpen && <MaskPicker columns={columnNames} mask={mask} onChange={changeMask} />}
      </div>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {!result && !error && connectionId && <div className="empty">{t('preview.empty')}</div>}
      {result && (
        <div className="panel preview-result" data-testid="preview-result">
          <div className="preview-summary">
            <strong data-testid="preview-shown">
              {t('preview.rows_shown', {
                count: result.rows.length,
                formatted: result.rows.length.toLocaleString(i18n.language),
              })}
            </strong>
            {result.has_more && <span className="muted">{t('preview.more_rows')}</span>}
            <span className="muted">·</span>
            <RowCountText result={result} counted={counted} />
            <span className="muted">· {formatDuration(result.duration_ms)}</span>
            <span className="spacer" />
            {lastRequest.current?.mode === 'table' && (
              <button
                type="button"
                className="button small"
                data-testid="preview-count"
                disabled={counting}
                onClick={() => void countExactly()}
              >
                {counting ? t('preview.counting') : t('preview.count_exactly')}
              </button>
            )}
            <button
              type="button"
              className={showStats ? 'button small active' : 'button small'}
              data-testid="preview-stats-toggle"
              onClick={() => setShowStats(!showStats)}
            >
              {showStats ? t('preview.stats_hide') : t('preview.stats_show')}
            </button>
          </div>
          {result.notes.length > 0 && (
            <ul className="preview-notes" data-testid="preview-notes">
              {result.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
          <DataGrid
            columns={result.columns}
            rows={result.rows}
            showStats={showStats}
            height={Math.max(320, innerHeight - 300)}
          />
          {result.source.sql && (
            <div className="preview-sql mono muted" data-testid="preview-sql" title={result.source.sql}>
              {result.source.sql}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
