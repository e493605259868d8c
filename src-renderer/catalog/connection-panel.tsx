import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  CatalogConnection,
  ScanChanges,
  ScanLog,
  TableChange,
} from '../../src-shared/api/catalog-model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { durationBetween, formatCount, formatDateTime, formatDuration } from '../app/format';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import { SCHEDULE_CHOICES, changeCounts, changeNameKey, hasChanges } from './catalog-text';
import { ScanButton, ScanStatus } from './scan-status';
import { useLiveScan, useScanVersion } from './scan-store';

function NameList({ title, names, total }: { title: string; names: string[]; total?: number }) {
  const { t } = useTranslation();
  if (names.length === 0) return null;
  const more = (total ?? names.length) - names.length;
  return (
    <div className="change-group">
      <div className="change-title">{title}</div>
      <div className="mono small">
        {names.join(', ')}
        {more > 0 && ` ${t('catalog.more', { count: more })}`}
      </div>
    </div>
  );
}

/** The UI's name of a changed property (`type`, `primary key`…); one it does not know stays as it is. */
function useChangeName(): (name: string) => string {
  const { t } = useTranslation();
  return (name) => {
    const key = changeNameKey(name);
    return key ? t(key) : name;
  };
}

function AlteredTable({ change }: { change: TableChange }) {
  const { t } = useTranslation();
  const changeName = useChangeName();
  return (
    <li data-testid="altered-table" data-table={change.table}>
      <span className="mono">{change.table}</span>
      <ul className="change-lines">
        {change.columns_added.length > 0 && (
          <li className="change-added">
            {t('catalog.columns_added')}: <span className="mono">{change.columns_added.join(', ')}</span>
          </li>
        )}
        {change.columns_removed.length > 0 && (
          <li className="change-removed">
            {t('catalog.columns_removed')}: <span className="mono">{change.columns_removed.join(', ')}</span>
          </li>
        )}
        {change.columns_altered.flatMap((column) =>
          column.changes.map((c) => (
            <li key={`${column.name}:${c.field}`} className="change-altered">
              <span className="mono">{column.name}</span>{' '}
              {t('catalog.column_changed', {
                field: changeName(c.field),
                before: c.before ?? '∅',
                after: c.after ?? '∅',
              })}
            </li>
          )),
        )}
        {change.changed.length > 0 && (
          <li>{t('catalog.table_changed', { what: change.changed.map(changeName).join(', ') })}</li>
        )}
      </ul>
    </li>
  );
}

/** Everything a scan changed, as lists. */
function ChangeDetails({ changes }: { changes: ScanChanges }) {
  const { t } = useTranslation();
  return (
    <div className="change-details" data-testid="scan-changes">
      <NameList title={t('catalog.databases_added')} names={changes.databases_added} />
      <NameList title={t('catalog.databases_removed')} names={changes.databases_removed} />
      <NameList
        title={t('catalog.tables_added')}
        names={changes.tables_added}
        total={changes.counts.tables_added}
      />
      <NameList
        title={t('catalog.tables_removed')}
        names={changes.tables_removed}
        total={changes.counts.tables_removed}
      />
      {changes.tables_altered.length > 0 && (
        <div className="change-group">
          <div className="change-title">{t('catalog.tables_altered')}</div>
          <ul className="change-tables">
            {changes.tables_altered.map((change) => (
              <AlteredTable key={change.table} change={change} />
            ))}
          </ul>
          {changes.counts.tables_altered > changes.tables_altered.length && (
            <div className="muted small">
              {t('catalog.more', { count: changes.counts.tables_altered - changes.tables_altered.length })}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function HistoryRow({ scan }: { scan: ScanLog }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const counts = changeCounts(scan.changes);
  const changed = hasChanges(scan.changes);
  return (
    <>
      <tr data-testid="scan-row" data-status={scan.status} data-scan-id={scan.id}>
        <td className="mono">{formatDateTime(scan.started_at, i18n.language)}</td>
        <td>{t(`catalog.trigger_${scan.triggered_by}`)}</td>
        <td>{t(`catalog.mode_${scan.mode}`)}</td>
        <td>
          <span className={`badge badge-${scan.status}`} data-status={scan.status}>
            {t(
              `catalog.${scan.status === 'running' ? 'scanning' : scan.status === 'failed' ? 'scan_failed' : 'scanned'}`,
            )}
          </span>
        </td>
        <td className="num mono">{formatDuration(durationBetween(scan.started_at, scan.finished_at))}</td>
        <td className="num mono">
          {scan.tables_total === null
            ? '—'
            : t('catalog.read_of', {
                read: formatCount(scan.tables_read, i18n.language),
                total: formatCount(scan.tables_total, i18n.language),
              })}
        </td>
        <td>
          {scan.status === 'failed' ? (
            <span className="scan-error wrap" data-testid="scan-row-error">
              {scan.error}
            </span>
          ) : changed ? (
            <>
              <span className="change-added">{t('catalog.changes_added', { count: counts.added })}</span>{' '}
              <span className="change-removed">
                {t('catalog.changes_removed', { count: counts.removed })}
              </span>{' '}
              <span className="change-altered">
                {t('catalog.changes_altered', { count: counts.altered })}
              </span>{' '}
              <button
                type="button"
                className="link-button small"
                data-testid="scan-details"
                onClick={() => setOpen(!open)}
              >
                {open ? t('catalog.hide_details') : t('catalog.details')}
              </button>
            </>
          ) : (
            <span className="muted">{scan.status === 'running' ? '' : t('catalog.no_changes')}</span>
          )}
        </td>
      </tr>
      {open && scan.changes && (
        <tr className="details-row">
          <td colSpan={7}>
            <ChangeDetails changes={scan.changes} />
          </td>
        </tr>
      )}
    </>
  );
}

function ScheduleSelect({ connectionId, minutes }: { connectionId: string; minutes: number | null }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(minutes);
  const [error, setError] = useState<ErrorText | null>(null);
  useEffect(() => setValue(minutes), [minutes]);
  const choices = SCHEDULE_CHOICES.some((c) => c.minutes === value)
    ? SCHEDULE_CHOICES
    : [...SCHEDULE_CHOICES, { minutes: value, label: 'catalog.schedule_minutes' as const }];
  const change = async (next: number | null) => {
    setValue(next);
    try {
      setError(null);
      await api.updateCatalogSettings({ connection_id: connectionId, scan_interval_minutes: next });
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <label className="field schedule-field">
      <span>{t('catalog.schedule')}</span>
      <select
        data-testid="scan-schedule"
        value={value === null ? '' : String(value)}
        onChange={(event) => void change(event.target.value === '' ? null : Number(event.target.value))}
      >
        {choices.map((choice) => (
          <option key={choice.minutes ?? 'off'} value={choice.minutes === null ? '' : String(choice.minutes)}>
            {t(choice.label, { count: choice.minutes ?? 0 })}
          </option>
        ))}
      </select>
      <span className="muted small">{t('catalog.schedule_hint')}</span>
      <ErrorBanner error={error} />
    </label>
  );
}

/** A connection in the catalog: its scan status and buttons, schedule, and scan history with the changes. */
export function ConnectionPanel({ connection }: { connection: CatalogConnection }) {
  const { t } = useTranslation();
  const id = connection.connection_id;
  const live = useLiveScan(id);
  const version = useScanVersion(id);
  const [started, setStarted] = useState(0);
  const history = useAsync(
    () => api.listCatalogScans({ connection_id: id, limit: 30 }),
    [id, version, started],
  );
  const running = live?.status === 'running' || history.data?.[0]?.status === 'running';
  return (
    <div className="catalog-detail" data-testid="connection-panel" data-connection={connection.name}>
      <div className="catalog-detail-head">
        <div>
          <div className="muted small">{connection.type}</div>
          <h2 className="catalog-detail-title">{connection.name}</h2>
          <div className="muted small">
            {t('catalog.summary', {
              tables: t('catalog.tables', { count: connection.table_count }),
              databases: t('catalog.databases', { count: connection.database_count }),
            })}
          </div>
        </div>
        <div className="toolbar">
          <ScanButton
            connectionId={id}
            running={running}
            mode="full"
            onStarted={() => setStarted((n) => n + 1)}
          />
        </div>
      </div>
      <ScanStatus connectionId={id} />
      <ScheduleSelect connectionId={id} minutes={connection.scan_interval_minutes} />
      <div className="panel">
        <div className="panel-title">{t('catalog.history')}</div>
        <table className="grid" data-testid="scan-history">
          <thead>
            <tr>
              <th className="col-time">{t('catalog.col_started')}</th>
              <th>{t('catalog.col_trigger')}</th>
              <th>{t('catalog.col_mode')}</th>
              <th className="col-status">{t('catalog.col_status')}</th>
              <th className="num">{t('catalog.col_duration')}</th>
              <th className="num">{t('catalog.col_tables')}</th>
              <th>{t('catalog.col_changes')}</th>
            </tr>
          </thead>
          <tbody>
            {history.data?.map((scan) => (
              <HistoryRow key={scan.id} scan={scan} />
            ))}
          </tbody>
        </table>
        {history.data?.length === 0 && <div className="empty">{t('catalog.no_history')}</div>}
      </div>
    </div>
  );
}
