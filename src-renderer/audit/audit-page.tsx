import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { AuditEntry, AuditExportFormat } from '../../src-shared/api/audit-model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { formatDateTime } from '../app/format';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import {
  AUDIT_ACTIONS,
  changeText,
  dayBoundary,
  diffLines,
  isKnownAction,
  type AuditAction,
} from './audit-text';
import { downloadText } from '../app/download';

/*
 * The Audit log page (`#/audit`): who changed what, when and from where — newest first, searchable,
 * filtered by action and day, exportable; a job change opens to its YAML diff.
 */

const PAGE_SIZE = 50;

/** A unified diff, its added and removed lines coloured. */
export function DiffView({ diff }: { diff: string }) {
  return (
    <pre className="admin-diff" data-testid="audit-diff">
      {diffLines(diff).map((line, index) => (
        <span key={index} className={`admin-diff-line admin-diff-${line.kind}`}>
          {line.text}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

function ActionLabel({ action }: { action: string }) {
  const { t } = useTranslation();
  return <>{isKnownAction(action) ? t(AUDIT_ACTIONS[action]) : action}</>;
}

function Target({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const name = entry.target_name ?? entry.target_id ?? '—';
  const kind = t(`admin.audit.kind_${entry.target_kind}`);
  const linked =
    entry.target_kind === 'job' && entry.target_id && entry.action !== 'job.deleted' ? (
      <Link href={`/jobs/${entry.target_id}`}>{name}</Link>
    ) : entry.target_kind === 'alert_rule' ? (
      <Link href="/alerts">{name}</Link>
    ) : (
      name
    );
  return (
    <>
      <span className="muted small">{kind}</span> {linked}
    </>
  );
}

/** What an entry says beyond its columns: changes, the diff, the execution. */
function Details({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const { detail } = entry;
  return (
    <div className="admin-audit-details" data-testid="audit-details">
      {detail.changes && detail.changes.length > 0 && (
        <ul className="admin-audit-changes">
          {detail.changes.map((change) => (
            <li key={change.field} className="mono">
              {changeText(change, t('admin.audit.secret_changed'))}
            </li>
          ))}
        </ul>
      )}
      {detail.execution_id && (
        <div className="small">
          {t('admin.audit.execution')} <span className="mono">{detail.execution_id}</span>
        </div>
      )}
      {detail.trigger && <div className="small">{t('admin.audit.trigger', { trigger: detail.trigger })}</div>}
      {detail.note && <div className="small muted">{detail.note}</div>}
      {detail.diff && <DiffView diff={detail.diff} />}
    </div>
  );
}

/** Whether an entry has more to show than its row. */
function hasDetails(entry: AuditEntry): boolean {
  const { detail } = entry;
  return Boolean(
    detail.diff || detail.changes?.length || detail.execution_id || detail.trigger || detail.note,
  );
}

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [action, setAction] = useState<AuditAction | ''>('');
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [exportError, setExportError] = useState<ErrorText | null>(null);
  const settings = useAsync(() => api.getSettings({}), []);

  // Searching as one types, once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(typed.trim());
      setOffset(0);
    }, 300);
    return () => clearTimeout(timer);
  }, [typed]);

  const filters = {
    ...(q ? { q } : {}),
    ...(action ? { action } : {}),
    ...(dayBoundary(fromDay) ? { from: dayBoundary(fromDay) } : {}),
    ...(dayBoundary(toDay, true) ? { to: dayBoundary(toDay, true) } : {}),
  };
  const page = useAsync(
    () => api.listAudit({ ...filters, limit: PAGE_SIZE, offset }),
    [q, action, fromDay, toDay, offset],
  );

  const exportAs = async (format: AuditExportFormat) => {
    setExportError(null);
    try {
      const file = await api.exportAudit({ ...filters, format });
      downloadText(file.content, file.file_name, file.content_type);
    } catch (failure) {
      setExportError(errorText(failure));
    }
  };

  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const entries = page.data?.entries ?? [];
  const total = page.data?.total ?? 0;
  return (
    <section className="page admin-audit" data-testid="audit-page">
      <div className="page-header">
        <h1>{t('admin.audit.title')}</h1>
        <div className="toolbar">
          <button type="button" className="button" data-testid="audit-refresh" onClick={page.reload}>
            {t('admin.audit.refresh')}
          </button>
          <button
            type="button"
            className="button"
            data-testid="audit-export-csv"
            onClick={() => void exportAs('csv')}
          >
            {t('admin.audit.export_csv')}
          </button>
          <button
            type="button"
            className="button"
            data-testid="audit-export-jsonl"
            onClick={() => void exportAs('jsonl')}
          >
            {t('admin.audit.export_jsonl')}
          </button>
        </div>
      </div>
      <p className="muted">
        {t('admin.audit.intro', { days: settings.data?.values.retention.audit_days ?? 90 })}{' '}
        <Link href="/settings">{t('admin.audit.retention_link')}</Link>
      </p>
      <div className="admin-audit-filters">
        <input
          type="search"
          className="admin-audit-search"
          data-testid="audit-search"
          placeholder={t('admin.audit.search')}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
        />
        <select
          data-testid="audit-action"
          aria-label={t('admin.audit.col_action')}
          value={action}
          onChange={(event) => {
            const value = event.target.value;
            setAction(isKnownAction(value) ? value : '');
            setOffset(0);
          }}
        >
          <option value="">{t('admin.audit.all_actions')}</option>
          {(Object.keys(AUDIT_ACTIONS) as AuditAction[]).map((name) => (
            <option key={name} value={name}>
              {t(AUDIT_ACTIONS[name])}
            </option>
          ))}
        </select>
        <label className="admin-audit-day">
          {t('admin.audit.from')}
          <input
            type="date"
            data-testid="audit-from"
            value={fromDay}
            onChange={(event) => {
              setFromDay(event.target.value);
              setOffset(0);
            }}
          />
        </label>
        <label className="admin-audit-day">
          {t('admin.audit.to')}
          <input
            type="date"
            data-testid="audit-to"
            value={toDay}
            onChange={(event) => {
              setToDay(event.target.value);
              setOffset(0);
            }}
          />
        </label>
      </div>
      <ErrorBanner
        error={exportError ?? page.error}
        onClose={exportError ? () => setExportError(null) : undefined}
      />
      <div className="panel">
        <table className="grid admin-audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th className="col-time">{t('admin.audit.col_time')}</th>
              <th>{t('admin.audit.col_actor')}</th>
              <th>{t('admin.audit.col_origin')}</th>
              <th>{t('admin.audit.col_action')}</th>
              <th>{t('admin.audit.col_target')}</th>
              <th className="col-actions" />
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <Fragment key={entry.id}>
                <tr data-testid="audit-row" data-action={entry.action} data-target={entry.target_name ?? ''}>
                  <td className="mono">{formatDateTime(entry.at, i18n.language)}</td>
                  <td data-testid="audit-actor">{entry.actor}</td>
                  <td className="mono small" data-testid="audit-origin">
                    {entry.origin === 'desktop' || entry.origin === 'internal' || entry.origin === 'file'
                      ? t(`admin.audit.origin_${entry.origin}`)
                      : entry.origin}
                  </td>
                  <td>
                    <span
                      className={`admin-audit-action admin-audit-action-${entry.action.split('.')[1] ?? ''}`}
                    >
                      <ActionLabel action={entry.action} />
                    </span>
                  </td>
                  <td>
                    <Target entry={entry} />
                  </td>
                  <td className="col-actions">
                    {hasDetails(entry) && (
                      <button
                        type="button"
                        className="button small"
                        data-testid="audit-toggle"
                        aria-expanded={open.has(entry.id)}
                        onClick={() => toggle(entry.id)}
                      >
                        {open.has(entry.id)
                          ? t('admin.audit.hide_details')
                          : entry.detail.diff
                            ? t('admin.audit.show_diff')
                            : t('admin.audit.show_details')}
                      </button>
                    )}
                  </td>
                </tr>
                {open.has(entry.id) && (
                  <tr className="admin-audit-detail-row">
                    <td colSpan={6}>
                      <Details entry={entry} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
        {!page.loading && entries.length === 0 && (
          <div className="empty" data-testid="audit-empty">
            {Object.keys(filters).length > 0 ? t('admin.audit.no_match') : t('admin.audit.empty')}
          </div>
        )}
        {total > 0 && (
          <div className="admin-audit-pager">
            <span data-testid="audit-range">
              {t('admin.audit.range', { from: offset + 1, to: Math.min(offset + PAGE_SIZE, total), total })}
            </span>
            <button
              type="button"
              className="button small"
              data-testid="audit-prev"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
            >
              {t('admin.audit.previous')}
            </button>
            <button
              type="button"
              className="button small"
              data-testid="audit-next"
              disabled={offset + PAGE_SIZE >= total}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              {t('admin.audit.next')}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
