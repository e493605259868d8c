import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  DdlApplyResult,
  DiffReason,
  DiffRow,
  SchemaDiff,
  TableDiff,
} from '../../src-shared/api/diff-model';
import type { en } from '../../src-shared/i18n/en';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { ErrorBanner, Modal } from '../app/widgets';

type ReasonCode = keyof typeof en.diff.reason;

/** A reason in the UI's language; the server's English text when this build does not know its code. */
function useReasonText(): (reason: DiffReason) => string {
  const { t, i18n } = useTranslation();
  return (reason) => {
    const key = `diff.reason.${reason.code}`;
    return i18n.exists(key) ? t(`diff.reason.${reason.code as ReasonCode}`, reason.params) : reason.text;
  };
}

/** Every statement of the diff, as a script to read, copy or run. */
function ddlScript(diff: SchemaDiff): string {
  return diff.tables.flatMap((table) => table.statements.map((s) => `${s.sql};`)).join('\n');
}

const statementsOf = (diff: SchemaDiff) => diff.tables.flatMap((table) => table.statements.map((s) => s.sql));

function StatusBadge({ row }: { row: DiffRow }) {
  const { t } = useTranslation();
  return (
    <span
      className={`badge diff-status diff-${row.status}${row.blocking ? ' diff-blocking' : ''}`}
      data-testid="schema-diff-status"
      data-status={row.status}
    >
      {t(`diff.status.${row.status}`)}
    </span>
  );
}

function ComparisonTable({ table }: { table: TableDiff }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  return (
    <table className="grid diff-grid" data-testid="schema-diff-table">
      <thead>
        <tr>
          <th>{t('diff.col_source')}</th>
          <th>{t('diff.col_source_type')}</th>
          <th>{t('diff.col_target')}</th>
          <th>{t('diff.col_target_type')}</th>
          <th>{t('diff.col_status')}</th>
          <th>{t('diff.col_suggested')}</th>
          <th>{t('diff.col_reason')}</th>
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row) => {
          const name = row.source?.name ?? row.target?.name ?? '';
          const changes = row.suggested_type !== null && row.suggested_type !== row.target?.native_type;
          return (
            <tr
              key={`${row.source?.name ?? ''}:${row.target?.name ?? ''}`}
              data-testid="schema-diff-row"
              data-column={name}
              data-status={row.status}
              className={row.blocking ? 'diff-row-blocking' : undefined}
            >
              <td className="mono">{row.source?.name ?? '—'}</td>
              <td className="mono muted">{row.source?.native_type ?? ''}</td>
              <td className="mono">{row.target?.name ?? '—'}</td>
              <td className="mono muted">{row.target?.native_type ?? ''}</td>
              <td>
                <StatusBadge row={row} />
              </td>
              <td
                className={`mono${changes ? ' diff-suggested-change' : ' muted'}`}
                data-testid="schema-diff-suggested"
              >
                {row.suggested_type ?? ''}
              </td>
              <td className="diff-reasons">{row.reasons.map(reasonText).join('; ')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function DdlSection({ diff, onApply }: { diff: SchemaDiff; onApply: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const script = ddlScript(diff);
  const copy = async () => {
    await navigator.clipboard.writeText(script);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div className="diff-ddl" data-testid="schema-diff-ddl-section">
      <div className="diff-ddl-head">
        <strong>{t('diff.ddl', { database: diff.database })}</strong>
        <span className="muted small">
          {diff.transactional_ddl ? t('diff.ddl_transactional') : t('diff.ddl_autocommit')}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="button small"
          data-testid="schema-diff-copy"
          disabled={script === ''}
          onClick={() => void copy()}
        >
          {copied ? t('diff.copied') : t('diff.copy')}
        </button>
        <button
          type="button"
          className="button small primary"
          data-testid="schema-diff-apply"
          disabled={script === ''}
          onClick={onApply}
        >
          {t('diff.apply')}
        </button>
      </div>
      {script === '' ? (
        <div className="muted small" data-testid="schema-diff-ddl-none">
          {t('diff.ddl_none')}
        </div>
      ) : (
        <pre className="diff-ddl-text" data-testid="schema-diff-ddl">
          {script}
        </pre>
      )}
    </div>
  );
}

function DiffView({ diff, onApply }: { diff: SchemaDiff; onApply: () => void }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  return (
    <>
      <div className="diff-sides mono small">
        <span>
          {t('diff.source')}: {diff.source}
        </span>
        <span>→</span>
        <span>
          {t('diff.target')}: {diff.target}
        </span>
      </div>
      <div
        className={diff.ok ? 'diff-verdict diff-verdict-ok' : 'diff-verdict diff-verdict-blocked'}
        data-testid="schema-diff-verdict"
        data-ok={diff.ok ? 'true' : 'false'}
      >
        {diff.ok ? t('diff.ok') : t('diff.not_ok')}
      </div>
      {diff.tables.map((table) => (
        <div className="diff-table" key={`${table.source_table}→${table.target_table}`}>
          {diff.tables.length > 1 && (
            <div className="diff-table-name mono">
              {table.source_table} → {table.target_table}
            </div>
          )}
          {!table.target_exists && (
            <div className="diff-missing-table" data-testid="schema-diff-table-missing">
              {t('diff.table_missing', { table: table.target_table })}
            </div>
          )}
          <ComparisonTable table={table} />
          {table.notes.length > 0 && (
            <ul className="diff-notes small" data-testid="schema-diff-notes">
              {table.notes.map((note, i) => (
                <li key={`${note.code}:${i}`}>{reasonText(note)}</li>
              ))}
            </ul>
          )}
        </div>
      ))}
      <DdlSection key={ddlScript(diff)} diff={diff} onApply={onApply} />
    </>
  );
}

/**
 * The job page's schema diff: the columns the job writes (its saved config, after its
 * processors) beside its target table, with a status, the suggested type and the reasons per
 * column; the DDL that creates or fits the table, copyable, and applied only after the user
 * confirms it in a dialog.
 */
export function SchemaDiffPanel({ jobId, unsaved }: { jobId: string; unsaved: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [diff, setDiff] = useState<SchemaDiff | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [applying, setApplying] = useState(false);
  const [applied, setApplied] = useState<DdlApplyResult | null>(null);
  const panel = useRef<HTMLElement>(null);

  const compare = async () => {
    setOpen(true);
    setLoading(true);
    setError(null);
    try {
      setDiff(await api.diffJobSchema({ job_id: jobId }));
    } catch (failure) {
      setDiff(null);
      setError(errorText(failure));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    if (open) panel.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [open, diff]);

  const apply = async (statements: string[]) => {
    setApplying(true);
    setError(null);
    try {
      setApplied(await api.applyJobDdl({ job_id: jobId, statements }));
      setConfirming(false);
      await compare();
    } catch (failure) {
      setConfirming(false);
      setError(errorText(failure));
    } finally {
      setApplying(false);
    }
  };

  return (
    <section ref={panel} className={`panel schema-diff${open ? ' open' : ''}`} data-testid="schema-diff">
      <div className="panel-title">
        {t('diff.title')}
        <span className="spacer" />
        {open && (
          <button type="button" className="link-button" onClick={() => setOpen(false)}>
            {t('common.close')}
          </button>
        )}
        <button
          type="button"
          className="button small"
          data-testid="schema-diff-compare"
          disabled={loading}
          onClick={() => {
            setApplied(null);
            void compare();
          }}
        >
          {loading ? t('diff.checking') : diff ? t('diff.refresh') : t('diff.check')}
        </button>
      </div>
      {open && (
        <div className="schema-diff-body">
          <div className="muted small">{t('diff.intro')}</div>
          {unsaved && <div className="diff-unsaved small">{t('diff.unsaved')}</div>}
          <ErrorBanner error={error} onClose={() => setError(null)} />
          {applied && (
            <div className="diff-applied" data-testid="schema-diff-applied">
              {t('diff.applied', {
                count: applied.applied.length,
                how: t(`diff.reason.${applied.note.code as ReasonCode}`, applied.note.params),
              })}
            </div>
          )}
          {loading && !diff && <div className="muted">{t('diff.checking')}</div>}
          {diff && <DiffView diff={diff} onApply={() => setConfirming(true)} />}
        </div>
      )}
      {confirming && diff && (
        <Modal
          title={t('diff.apply_title', { database: diff.database })}
          testId="schema-diff-confirm"
          onClose={() => setConfirming(false)}
          footer={
            <>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                {t('common.cancel')}
              </button>
              <button
                type="button"
                className="button primary"
                data-testid="schema-diff-confirm-ok"
                disabled={applying}
                onClick={() => void apply(statementsOf(diff))}
              >
                {applying ? t('diff.applying') : t('diff.apply_run')}
              </button>
            </>
          }
        >
          <p>{t('diff.apply_confirm', { count: statementsOf(diff).length, target: diff.target })}</p>
          <p className="muted small">
            {diff.transactional_ddl ? t('diff.ddl_transactional') : t('diff.ddl_autocommit')}
          </p>
          <pre className="diff-ddl-text">{ddlScript(diff)}</pre>
        </Modal>
      )}
    </section>
  );
}
