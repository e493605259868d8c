import { useTranslation } from 'react-i18next';
import type { Execution } from '../../src-shared/api/model';
import { durationBetween, formatCount, formatDateTime, formatDuration } from '../app/format';
import { StatusBadge } from '../app/widgets';

/**
 * The job's executions, newest first: status, what started it (and which attempt, whether it
 * resumed), start, duration, counts and error. A row can be selected to see its logs and dead letters.
 */
export function RunHistory({
  executions,
  selectedId,
  onSelect,
}: {
  executions: Execution[];
  selectedId?: string | null;
  onSelect?(execution: Execution): void;
}) {
  const { t, i18n } = useTranslation();
  const count = (value: number) => formatCount(value, i18n.language);
  if (executions.length === 0) {
    return (
      <div className="empty" data-testid="history-empty">
        {t('history.empty')}
      </div>
    );
  }
  return (
    <table className="grid" data-testid="run-history">
      <thead>
        <tr>
          <th className="col-status">{t('history.col_status')}</th>
          <th>{t('lifecycle.col_trigger')}</th>
          <th className="col-time">{t('history.col_started')}</th>
          <th className="num">{t('history.col_duration')}</th>
          <th className="num">{t('history.col_read')}</th>
          <th className="num">{t('history.col_written')}</th>
          <th className="num">{t('history.col_failed')}</th>
          <th>{t('history.col_error')}</th>
        </tr>
      </thead>
      <tbody>
        {executions.map((execution) => (
          <tr
            key={execution.id}
            data-testid="execution-row"
            data-execution-id={execution.id}
            className={execution.id === selectedId ? 'selected-row' : onSelect ? 'clickable-row' : undefined}
            onClick={onSelect ? () => onSelect(execution) : undefined}
          >
            <td>
              <StatusBadge status={execution.status} testId="execution-status" />
            </td>
            <td data-testid="execution-trigger" title={execution.trigger_detail ?? ''}>
              {t(`lifecycle.trigger.${execution.trigger}`)}
              {execution.attempt > 1 && (
                <span className="tag">{t('lifecycle.attempt', { attempt: execution.attempt })}</span>
              )}
              {execution.resumed_from && <span className="tag">{t('lifecycle.resumed')}</span>}
              {execution.status === 'queued' && execution.run_after && (
                <div className="muted small">
                  {t('lifecycle.queued_until', { time: formatDateTime(execution.run_after, i18n.language) })}
                </div>
              )}
            </td>
            <td className="mono">{formatDateTime(execution.started_at, i18n.language)}</td>
            <td className="num mono">
              {formatDuration(durationBetween(execution.started_at, execution.finished_at))}
            </td>
            <td className="num mono" data-testid="execution-read">
              {count(execution.records_read)}
            </td>
            <td className="num mono" data-testid="execution-written">
              {count(execution.records_written)}
            </td>
            <td className={execution.records_failed > 0 ? 'num mono text-danger' : 'num mono'}>
              {count(execution.records_failed)}
            </td>
            <td className="error-cell" title={execution.error ?? ''}>
              {execution.error ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
