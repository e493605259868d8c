import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import type { ExecutionStatus, Job } from '../../src-shared/api/model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';

/** What the lifecycle buttons may do now, from the job and the status of its newest run. */
export function lifecycleChoices(job: Pick<Job, 'state'>, status: ExecutionStatus | null) {
  return {
    pause: status === 'running',
    resume: status === 'paused',
    retry: status === 'failed' || status === 'cancelled',
    runnable: job.state !== 'draft',
  };
}

/**
 * Pause / Resume / Retry, the job's on-off switch (schedule, triggers and dependencies) and Clone,
 * beside Run and Stop on the job page.
 */
export function LifecycleActions({
  job,
  status,
  onJob,
  onChanged,
  onError,
}: {
  job: Job;
  /** The newest run's status, live (events) where known. */
  status: ExecutionStatus | null;
  onJob(job: Job): void;
  onChanged(): void;
  onError(error: ErrorText | null): void;
}) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const choices = lifecycleChoices(job, status);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    onError(null);
    try {
      await action();
      onChanged();
    } catch (failure) {
      onError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {choices.pause && (
        <button
          type="button"
          className="button"
          data-testid="job-pause"
          disabled={busy}
          title={t('lifecycle.pause_hint')}
          onClick={() => void act(async () => void (await api.pauseJob({ id: job.id })))}
        >
          ❚❚ {t('lifecycle.pause')}
        </button>
      )}
      {choices.resume && (
        <button
          type="button"
          className="button primary"
          data-testid="job-resume"
          disabled={busy}
          title={t('lifecycle.resume_hint')}
          onClick={() => void act(async () => void (await api.resumeJob({ id: job.id })))}
        >
          ▶ {t('lifecycle.resume')}
        </button>
      )}
      {choices.retry && (
        <button
          type="button"
          className="button"
          data-testid="job-retry"
          disabled={busy}
          title={t('lifecycle.retry_hint')}
          onClick={() => void act(async () => void (await api.retryJob({ id: job.id })))}
        >
          ↻ {t('lifecycle.retry')}
        </button>
      )}
      <label className="lifecycle-switch" title={t('lifecycle.enabled_hint')}>
        <input
          type="checkbox"
          data-testid="job-enabled"
          checked={job.enabled}
          disabled={busy}
          onChange={(event) => {
            const enabled = event.target.checked;
            void act(async () => onJob(await api.setJobEnabled({ id: job.id, enabled })));
          }}
        />
        {t('lifecycle.enabled')}
      </label>
      <button
        type="button"
        className="button"
        data-testid="job-clone"
        disabled={busy}
        onClick={() =>
          void act(async () => {
            const copy = await api.cloneJob({ id: job.id });
            navigate(`/jobs/${copy.id}`);
          })
        }
      >
        {t('lifecycle.clone')}
      </button>
    </>
  );
}
