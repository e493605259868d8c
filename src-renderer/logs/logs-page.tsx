import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LogLevel } from '../../src-shared/api/model';
import type { CleanupResult } from '../../src-shared/api/log-model';
import { api, studio } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { formatDateTime } from '../app/format';
import { navigateInHash, useHashSearch } from '../app/hash-location';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import { ExportButtons, FollowSwitch, LevelSelect, LogLines } from './log-lines';
import {
  EMPTY_FILTER,
  LOG_LEVELS,
  filterOfSearch,
  isoOfLocalInput,
  localInputOf,
  searchOfFilter,
  type LogViewFilter,
} from './log-view-model';
import { useLogFeed } from './use-log-feed';

/*
 * `#/logs`: the app's and the runs' log lines, newest first, following live; filtered by level,
 * job, execution, keyword and time range (kept in the address: `#/logs?execution=<id>` links to
 * one run's lines), exported as shown. The level the studio records at is changed here too.
 */

/** How the log service words a level change (see `log-service.ts`). */
const LEVEL_CHANGED = 'log level changed';

/** Waits for typing to pause before a keyword becomes a query. */
const KEYWORD_DELAY_MS = 300;

/** The level the app and runs record at, changed at once through the API. */
function RecordLevel() {
  const { t } = useTranslation();
  const [level, setLevel] = useState<LogLevel | null>(null);
  const [error, setError] = useState<ErrorText | null>(null);
  useEffect(() => {
    const read = () =>
      api.getLogLevel({}).then(
        (state) => setLevel(state.level),
        (failure: unknown) => setError(errorText(failure)),
      );
    void read();
    // Changed elsewhere (the API, the Settings page, the settings file): the change is logged.
    return studio.onEvent((event) => {
      if (event.type === 'log_entry' && event.job_id === null && event.message.startsWith(LEVEL_CHANGED))
        void read();
    });
  }, []);
  const change = async (next: LogLevel) => {
    setError(null);
    try {
      setLevel((await api.setLogLevel({ level: next })).level);
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <>
      <label className="logs-field" title={t('logs.record_level_help')}>
        <span>{t('logs.record_level')}</span>
        <select
          data-testid="logs-record-level"
          value={level ?? ''}
          disabled={level === null}
          onChange={(event) => void change(event.target.value as LogLevel)}
        >
          {LOG_LEVELS.map((option) => (
            <option key={option} value={option}>
              {t(`logs.level_${option}`)}
            </option>
          ))}
        </select>
      </label>
      {error && <ErrorBanner error={error} onClose={() => setError(null)} />}
    </>
  );
}

/** Deletes what retention would delete, now, and says how much. */
function CleanupButton() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CleanupResult | null>(null);
  const [error, setError] = useState<ErrorText | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.runCleanup({}));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className="button small"
        data-testid="logs-cleanup"
        title={t('logs.cleanup_help')}
        disabled={busy}
        onClick={() => void run()}
      >
        {t('logs.cleanup')}
      </button>
      {result && (
        <span className="muted" data-testid="logs-cleanup-result">
          {t('logs.cleanup_done', {
            executions: result.executions,
            files: result.log_files + result.execution_log_files + result.dead_letter_files,
          })}
        </span>
      )}
      {error && <ErrorBanner error={error} onClose={() => setError(null)} />}
    </>
  );
}

export function LogsPage() {
  const { t, i18n } = useTranslation();
  const search = useHashSearch();
  const filter = useMemo(() => filterOfSearch(search), [search]);
  const setFilter = (next: LogViewFilter) => {
    const query = searchOfFilter(next);
    navigateInHash(query ? `/logs?${query}` : '/logs', { replace: true });
  };
  const change = (fields: Partial<LogViewFilter>) => setFilter({ ...filter, ...fields });

  // The keyword box updates the filter once typing pauses.
  const [keyword, setKeyword] = useState(filter.q);
  useEffect(() => setKeyword(filter.q), [filter.q]);
  useEffect(() => {
    if (keyword === filter.q) return;
    const timer = setTimeout(() => change({ q: keyword }), KEYWORD_DELAY_MS);
    return () => clearTimeout(timer);
  });

  const jobs = useAsync(() => api.listJobs({}), []);
  const executions = useAsync(
    () => api.listExecutions({ ...(filter.job_id ? { job_id: filter.job_id } : {}), limit: 50 }),
    [filter.job_id],
  );
  const jobNames = useMemo(() => new Map((jobs.data ?? []).map((job) => [job.id, job.name])), [jobs.data]);
  const jobName = (id: string) => jobNames.get(id) ?? id.slice(0, 8);
  const feed = useLogFeed(filter);
  const filtered = searchOfFilter(filter) !== '';

  return (
    <section className="page logs-page" data-testid="logs-page">
      <div className="page-header">
        <h1>{t('logs.title')}</h1>
        <div className="toolbar">
          <RecordLevel />
          <CleanupButton />
        </div>
      </div>
      <div className="panel logs-filters" data-testid="logs-filters">
        <LevelSelect value={filter.level} onChange={(level) => change({ level })} />
        <label className="logs-field">
          <span>{t('logs.job')}</span>
          <select
            data-testid="logs-job"
            value={filter.job_id ?? ''}
            onChange={(event) => change({ job_id: event.target.value || null, execution_id: null })}
          >
            <option value="">{t('logs.all_jobs')}</option>
            {(jobs.data ?? []).map((job) => (
              <option key={job.id} value={job.id}>
                {job.name}
              </option>
            ))}
          </select>
        </label>
        <label className="logs-field">
          <span>{t('logs.execution')}</span>
          <select
            data-testid="logs-execution"
            value={filter.execution_id ?? ''}
            onChange={(event) => change({ execution_id: event.target.value || null })}
          >
            <option value="">{t('logs.all_executions')}</option>
            {filter.execution_id && !executions.data?.some((e) => e.id === filter.execution_id) && (
              <option value={filter.execution_id}>#{filter.execution_id.slice(0, 8)}</option>
            )}
            {(executions.data ?? []).map((execution) => (
              <option key={execution.id} value={execution.id}>
                {`#${execution.id.slice(0, 8)} · ${filter.job_id ? '' : `${jobName(execution.job_id)} · `}${formatDateTime(
                  execution.started_at ?? execution.created_at,
                  i18n.language,
                )} · ${t(`status.${execution.status}`)}`}
              </option>
            ))}
          </select>
        </label>
        <label className="logs-field logs-keyword">
          <span>{t('logs.keyword')}</span>
          <input
            type="search"
            data-testid="logs-keyword"
            placeholder={t('logs.keyword_placeholder')}
            value={keyword}
            onChange={(event) => setKeyword(event.target.value)}
          />
        </label>
        <label className="logs-field">
          <span>{t('logs.from')}</span>
          <input
            type="datetime-local"
            data-testid="logs-from"
            value={localInputOf(filter.from)}
            onChange={(event) => change({ from: isoOfLocalInput(event.target.value) })}
          />
        </label>
        <label className="logs-field">
          <span>{t('logs.to')}</span>
          <input
            type="datetime-local"
            data-testid="logs-to"
            value={localInputOf(filter.to)}
            onChange={(event) => change({ to: isoOfLocalInput(event.target.value) })}
          />
        </label>
        {filtered && (
          <button
            type="button"
            className="link-button logs-clear"
            data-testid="logs-clear"
            onClick={() => setFilter(EMPTY_FILTER)}
          >
            {t('logs.clear')}
          </button>
        )}
      </div>
      <div className="panel logs-panel">
        <div className="panel-title logs-panel-title">
          <span>
            {t('logs.lines')} <span className="count">{feed.entries.length}</span>
          </span>
          <span className="logs-panel-actions">
            <FollowSwitch feed={feed} />
            <ExportButtons filter={filter} />
          </span>
        </div>
        <ErrorBanner error={feed.error} />
        <LogLines feed={feed} q={filter.q} showJob jobName={jobName} testId="logs-lines" />
      </div>
    </section>
  );
}
