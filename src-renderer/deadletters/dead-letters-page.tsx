import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api/client';
import { formatDateTime } from '../app/format';
import { useAsync } from '../app/use-async';
import { ErrorBanner, StatusBadge } from '../app/widgets';
import { DeadLettersPanel } from './dead-letters-panel';

/** `#/jobs/<job>/executions/<execution>/dead-letters`: one execution's dead letters on a page of their own. */
export function DeadLettersPage({ jobId, executionId }: { jobId: string; executionId: string }) {
  const { t, i18n } = useTranslation();
  const job = useAsync(() => api.getJob({ id: jobId }), [jobId]);
  const execution = useAsync(() => api.getExecution({ id: executionId }), [executionId]);
  return (
    <section className="page deadletters-page" data-testid="dead-letters-page">
      <div className="page-header">
        <div className="title-row">
          <Link
            href={`/jobs/${encodeURIComponent(jobId)}`}
            className="back-link"
            data-testid="dead-letters-back"
          >
            ← {job.data?.name ?? t('dead_letters.back')}
          </Link>
          <h1>{t('dead_letters.title')}</h1>
          {execution.data && (
            <>
              <span className="mono muted" title={execution.data.id}>
                {t('dead_letters.execution', { id: execution.data.id.slice(0, 8) })}
              </span>
              <StatusBadge status={execution.data.status} testId="dead-letters-execution-status" />
              <span className="muted small">{formatDateTime(execution.data.started_at, i18n.language)}</span>
            </>
          )}
        </div>
      </div>
      <ErrorBanner error={job.error ?? execution.error} />
      <DeadLettersPanel jobId={jobId} executionId={executionId} />
    </section>
  );
}
