import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { DeadLetterReplay } from '../../src-shared/api/dead-letter-model';
import { formatCount, formatDateTime } from '../app/format';
import { StatusBadge } from '../app/widgets';
import { deadLettersHref } from './dead-letters-route';
import { placeName } from './place-name';

/** The replays of an execution's dead letters: which rows went into which execution, and how it went. */
export function ReplayHistory({ jobId, replays }: { jobId: string; replays: DeadLetterReplay[] }) {
  const { t, i18n } = useTranslation();
  const count = (value: number) => formatCount(value, i18n.language);
  if (replays.length === 0)
    return (
      <div className="empty small" data-testid="dead-letter-replays-empty">
        {t('dead_letters.history_empty')}
      </div>
    );
  return (
    <ul className="deadletters-replays" data-testid="dead-letter-replays">
      {replays.map((replay) => (
        <li
          key={replay.id}
          className="deadletters-replay"
          data-testid="dead-letter-replay"
          data-execution-id={replay.execution_id ?? ''}
          data-status={replay.status ?? replay.outcome}
        >
          <span className="mono muted small">{formatDateTime(replay.created_at, i18n.language)}</span>
          <span data-testid="dead-letter-replay-summary">
            {t('dead_letters.history_rows', {
              count: replay.indexes.length,
              place: placeName(replay.place, t),
            })}
            {replay.edited > 0 && (
              <span className="muted"> ({t('dead_letters.history_edited', { count: replay.edited })})</span>
            )}
            {replay.execution_id && (
              <>
                {' → '}
                <span className="mono">
                  {t('dead_letters.history_execution', { id: replay.execution_id.slice(0, 8) })}
                </span>
              </>
            )}
          </span>
          {replay.execution_id ? (
            <StatusBadge status={replay.status} testId="dead-letter-replay-status" />
          ) : (
            <span className="text-danger small">
              {t('dead_letters.history_skipped', { reason: replay.reason ?? '' })}
            </span>
          )}
          {replay.records_written !== null && replay.records_failed !== null && (
            <span className="muted small" data-testid="dead-letter-replay-counts">
              {t('dead_letters.history_counts', {
                written: count(replay.records_written),
                failed: count(replay.records_failed),
              })}
            </span>
          )}
          {replay.error && (
            <span className="error-cell small" title={replay.error}>
              {replay.error}
            </span>
          )}
          <details className="deadletters-replay-config">
            <summary className="small">{t('dead_letters.history_config')}</summary>
            <pre className="mono small">{replay.config_yaml}</pre>
          </details>
          {replay.execution_id && (replay.records_failed ?? 0) > 0 && (
            <Link className="small" href={deadLettersHref(jobId, replay.execution_id)}>
              {t('dead_letters.history_dead_letters')}
            </Link>
          )}
        </li>
      ))}
    </ul>
  );
}
