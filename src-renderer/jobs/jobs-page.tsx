import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import type { JobSummary } from '../../src-shared/api/model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { formatCount, formatDateTime } from '../app/format';
import { useAsync } from '../app/use-async';
import { ConfirmDelete, ErrorBanner, StatusBadge } from '../app/widgets';
import { useRunStore } from './run-store';

/** The job list: status of each job's latest run, and open / run / delete actions. */
export function JobsPage() {
  const { t, i18n } = useTranslation();
  const [, navigate] = useLocation();
  const statusVersion = useRunStore((state) => state.statusVersion);
  const jobs = useAsync(() => api.listJobs({}), []);
  const [deleting, setDeleting] = useState<JobSummary | null>(null);
  const [actionError, setActionError] = useState<ErrorText | null>(null);
  const { reload } = jobs;

  useEffect(() => {
    if (statusVersion > 0) reload();
  }, [statusVersion, reload]);

  const run = async (job: JobSummary) => {
    try {
      setActionError(null);
      await api.startJob({ id: job.id });
      reload();
    } catch (error) {
      setActionError(errorText(error));
    }
  };

  const remove = async (job: JobSummary) => {
    try {
      setActionError(null);
      await api.deleteJob({ id: job.id });
    } catch (error) {
      setActionError(errorText(error));
    } finally {
      setDeleting(null);
      reload();
    }
  };

  const list = jobs.data ?? [];
  return (
    <section className="page" data-testid="jobs-page">
      <div className="page-header">
        <h1>{t('jobs.title')}</h1>
        <button
          type="button"
          className="button primary"
          data-testid="new-job"
          onClick={() => navigate('/jobs/new')}
        >
          + {t('jobs.new_job')}
        </button>
      </div>
      <ErrorBanner
        error={actionError ?? jobs.error}
        onClose={actionError ? () => setActionError(null) : undefined}
      />
      <div className="panel">
        <table className="grid" data-testid="jobs-table">
          <thead>
            <tr>
              <th>{t('jobs.col_name')}</th>
              <th className="col-status">{t('jobs.col_status')}</th>
              <th className="col-time">{t('jobs.col_last_run')}</th>
              <th className="num">{t('jobs.col_written')}</th>
              <th className="col-actions">{t('jobs.col_actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((job) => {
              const last = job.last_execution;
              const running = last?.status === 'running' || last?.status === 'pending';
              return (
                <tr key={job.id} data-testid="job-row" data-job-name={job.name}>
                  <td>
                    <Link href={`/jobs/${job.id}`} className="job-name">
                      {job.name}
                    </Link>
                    {job.description && <div className="muted small ellipsis">{job.description}</div>}
                  </td>
                  <td>
                    <StatusBadge status={last?.status ?? null} testId="job-row-status" />
                  </td>
                  <td className="mono">
                    {formatDateTime(last?.started_at ?? null, i18n.language, t('common.never'))}
                  </td>
                  <td className="num mono">
                    {last ? formatCount(last.records_written, i18n.language) : '—'}
                  </td>
                  <td className="col-actions">
                    <button
                      type="button"
                      className="button small"
                      data-testid="job-open"
                      onClick={() => navigate(`/jobs/${job.id}`)}
                    >
                      {t('jobs.open')}
                    </button>
                    <button
                      type="button"
                      className="button small"
                      data-testid="job-run"
                      disabled={running}
                      onClick={() => void run(job)}
                    >
                      ▶ {t('jobs.run')}
                    </button>
                    <button
                      type="button"
                      className="button small danger"
                      data-testid="job-delete"
                      onClick={() => setDeleting(job)}
                    >
                      {t('common.delete')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {!jobs.loading && list.length === 0 && (
          <div className="empty" data-testid="jobs-empty">
            {t('jobs.empty')}
          </div>
        )}
        {jobs.loading && !jobs.data && <div className="empty">{t('common.loading')}</div>}
      </div>
      {deleting && (
        <ConfirmDelete
          title={t('jobs.confirm_delete_title')}
          onConfirm={() => void remove(deleting)}
          onClose={() => setDeleting(null)}
        >
          {t('jobs.confirm_delete', { name: deleting.name })}
        </ConfirmDelete>
      )}
    </section>
  );
}
