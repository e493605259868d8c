import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { JobState } from '../../src-shared/api/model';
import type { Dashboard, RecordCounts } from '../../src-shared/api/monitor-model';
import { api, studio } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { formatCount, formatDateTime } from '../app/format';
import { ErrorBanner, StatusBadge } from '../app/widgets';
import { BottleneckView } from './bottleneck-view';
import { changesDashboard, chartData, doneFraction, withProgress } from './dashboard-data';
import { TimeChart } from './time-chart';

/** Reload after a status change at most this often; the charts also refresh this often while runs move. */
const RELOAD_AFTER_MS = 400;
const REFRESH_WHILE_RUNNING_MS = 5000;
/** Job states in lifecycle order, as the jobs card lists them. */
const JOB_STATES: JobState[] = [
  'draft',
  'ready',
  'queued',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
];

/** The caller's offset from UTC (east positive), so the server counts today as the user's today. */
function utcOffsetMinutes(): number {
  return -new Date().getTimezoneOffset();
}

/**
 * The dashboard's data, kept live: progress events move the active runs at once; a status change
 * reloads soon after; while runs are moving the charts reload every few seconds.
 */
function useLiveDashboard(): { data: Dashboard | null; error: ErrorText | null } {
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<ErrorText | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastLoad = useRef(0);

  useEffect(() => {
    let alive = true;
    const load = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      lastLoad.current = Date.now();
      api.getDashboard({ utc_offset_minutes: utcOffsetMinutes() }).then(
        (next) => {
          if (!alive) return;
          setData(next);
          setError(null);
        },
        (failure: unknown) => {
          if (alive) setError(errorText(failure));
        },
      );
    };
    const loadIn = (ms: number) => {
      if (!timer.current) timer.current = setTimeout(load, ms);
    };
    load();
    const unsubscribe = studio.onEvent((event) => {
      if (changesDashboard(event)) loadIn(RELOAD_AFTER_MS);
      else if (event.type === 'job_progress') {
        setData((current) => (current ? withProgress(current, event) : current));
        const since = Date.now() - lastLoad.current;
        loadIn(Math.max(0, REFRESH_WHILE_RUNNING_MS - since));
      }
    });
    return () => {
      alive = false;
      unsubscribe();
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);

  return { data, error };
}

function Stat({
  label,
  value,
  detail,
  testId,
}: {
  label: string;
  value: string;
  detail?: string;
  testId: string;
}) {
  return (
    <div className="monitor-stat panel" data-testid={testId}>
      <div className="monitor-stat-label">{label}</div>
      <div className="monitor-stat-value mono" data-testid={`${testId}-value`}>
        {value}
      </div>
      {detail && <div className="monitor-stat-detail small muted">{detail}</div>}
    </div>
  );
}

function Records({ label, counts, testId }: { label: string; counts: RecordCounts; testId: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Stat
      label={label}
      value={formatCount(counts.written, i18n.language)}
      detail={counts.failed > 0 ? t('monitor.records_failed', { count: counts.failed }) : undefined}
      testId={testId}
    />
  );
}

function ActiveRuns({ dashboard }: { dashboard: Dashboard }) {
  const { t, i18n } = useTranslation();
  const count = (n: number) => formatCount(n, i18n.language);
  return (
    <div className="panel">
      <div className="panel-title">
        {t('monitor.active')} <span className="count">{dashboard.active.length}</span>
      </div>
      {dashboard.active.length === 0 ? (
        <div className="empty" data-testid="active-empty">
          {t('monitor.active_empty')}
        </div>
      ) : (
        <table className="grid" data-testid="active-runs">
          <thead>
            <tr>
              <th>{t('monitor.col_job')}</th>
              <th className="col-status">{t('monitor.col_status')}</th>
              <th>{t('monitor.col_progress')}</th>
              <th className="num">{t('monitor.col_rate')}</th>
              <th className="col-time">{t('monitor.col_started')}</th>
            </tr>
          </thead>
          <tbody>
            {dashboard.active.map((run) => {
              const fraction = doneFraction(run);
              return (
                <tr key={run.execution_id} data-testid="active-run" data-job-name={run.job_name}>
                  <td>
                    <Link href={`/jobs/${run.job_id}`}>{run.job_name}</Link>
                  </td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td className="monitor-progress-cell">
                    {fraction !== null && (
                      <div
                        className="progress-bar"
                        role="progressbar"
                        aria-valuemin={0}
                        aria-valuemax={100}
                        aria-valuenow={Math.round(fraction * 100)}
                        data-testid="active-run-progress"
                      >
                        <div className="progress-fill" style={{ width: `${fraction * 100}%` }} />
                        <span className="progress-text mono">{Math.round(fraction * 100)}%</span>
                      </div>
                    )}
                    <div className="small muted mono" data-testid="active-run-rows">
                      {run.total !== null
                        ? t('monitor.rows_read_of', {
                            read: count(run.records_read),
                            total: count(run.total),
                            written: count(run.records_written),
                          })
                        : t('monitor.rows_written', { written: count(run.records_written) })}
                    </div>
                  </td>
                  <td className="num mono">{count(Math.round(run.rows_per_second))}</td>
                  <td className="mono small">{formatDateTime(run.started_at, i18n.language)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Charts({ dashboard }: { dashboard: Dashboard }) {
  const { t, i18n } = useTranslation();
  const data = useMemo(
    () => chartData(dashboard.series, dashboard.generated_at),
    [dashboard.series, dashboard.generated_at],
  );
  const number = (digits: number) => (value: number) =>
    value.toLocaleString(i18n.language, { maximumFractionDigits: digits });
  const charts = [
    {
      key: 'throughput',
      title: t('monitor.throughput'),
      unit: t('monitor.throughput_unit'),
      label: t('monitor.series_throughput'),
      values: data.throughput,
      color: '#2563eb',
      format: number(1),
      points: false,
    },
    {
      key: 'errors',
      title: t('monitor.error_rate'),
      unit: t('monitor.error_rate_unit'),
      label: t('monitor.series_errors'),
      values: data.errorRate,
      color: '#c62828',
      format: (value: number) => `${number(2)(value)}%`,
      points: true,
    },
    {
      key: 'latency',
      title: t('monitor.latency_chart'),
      unit: t('monitor.latency_chart_unit'),
      label: t('monitor.series_latency'),
      values: data.latency,
      color: '#7c3aed',
      format: (value: number) => `${number(1)(value)} ms`,
      points: true,
    },
  ];
  return (
    <div className="monitor-charts">
      {charts.map((chart) => (
        <div key={chart.key} className="panel">
          <div className="panel-title">
            {chart.title} <span className="count">{chart.unit}</span>
          </div>
          <div className="monitor-chart-box">
            <TimeChart
              times={data.times}
              values={chart.values}
              label={chart.label}
              color={chart.color}
              format={chart.format}
              points={chart.points}
              timeLabel={t('monitor.series_time')}
              language={i18n.language}
              testId={`chart-${chart.key}`}
            />
          </div>
        </div>
      ))}
    </div>
  );
}

function Failures({ dashboard }: { dashboard: Dashboard }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="panel">
      <div className="panel-title">{t('monitor.failures')}</div>
      {dashboard.recent_failures.length === 0 ? (
        <div className="empty" data-testid="failures-empty">
          {t('monitor.failures_empty')}
        </div>
      ) : (
        <ul className="monitor-failures" data-testid="recent-failures">
          {dashboard.recent_failures.map((failure) => (
            <li key={failure.execution_id} data-testid="recent-failure" data-job-name={failure.job_name}>
              <div className="monitor-failure-head">
                <Link href={`/jobs/${failure.job_id}`}>{failure.job_name}</Link>
                <span className="mono small muted">{formatDateTime(failure.finished_at, i18n.language)}</span>
              </div>
              <div className="monitor-failure-error mono" data-testid="recent-failure-error">
                {failure.error}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Latency({ dashboard }: { dashboard: Dashboard }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const ms = (value: number | null) => (value === null ? '—' : `${value.toLocaleString(i18n.language)} ms`);
  return (
    <div className="panel">
      <div className="panel-title">{t('monitor.latency')}</div>
      {dashboard.latency.length === 0 ? (
        <div className="empty" data-testid="latency-empty">
          {t('monitor.latency_empty')}
        </div>
      ) : (
        <table className="grid" data-testid="batch-latency">
          <thead>
            <tr>
              <th>{t('monitor.col_job')}</th>
              <th>{t('monitor.col_verdict')}</th>
              <th className="num">{t('monitor.col_batches')}</th>
              <th className="num">{t('monitor.col_p50')}</th>
              <th className="num">{t('monitor.col_p95')}</th>
              <th className="col-time">{t('monitor.col_finished')}</th>
            </tr>
          </thead>
          <tbody>
            {dashboard.latency.map((row) => {
              const shown = open === row.execution_id;
              return (
                <Fragment key={row.execution_id}>
                  <tr className="monitor-latency-row" data-testid="latency-row" data-job-name={row.job_name}>
                    <td>
                      <button
                        type="button"
                        className="link-button monitor-toggle"
                        aria-expanded={shown}
                        title={t('monitor.bottleneck.title')}
                        data-testid="latency-toggle"
                        onClick={() => setOpen(shown ? null : row.execution_id)}
                      >
                        {shown ? '▾' : '▸'}
                      </button>{' '}
                      <Link href={`/jobs/${row.job_id}`}>{row.job_name}</Link>
                    </td>
                    <td>
                      {row.verdict ? (
                        <span
                          className={`monitor-verdict-badge monitor-verdict-${row.verdict}`}
                          data-testid="latency-verdict"
                          data-verdict={row.verdict}
                        >
                          {t(`monitor.bottleneck.verdict.${row.verdict}`)}
                        </span>
                      ) : (
                        <span className="muted">{t('monitor.running_now')}</span>
                      )}
                    </td>
                    <td className="num mono">{formatCount(row.batches, i18n.language)}</td>
                    <td className="num mono" data-testid="latency-p50">
                      {ms(row.p50_ms)}
                    </td>
                    <td className="num mono" data-testid="latency-p95">
                      {ms(row.p95_ms)}
                    </td>
                    <td className="mono small">{formatDateTime(row.finished_at, i18n.language)}</td>
                  </tr>
                  {shown && (
                    <tr className="monitor-detail-row">
                      <td colSpan={6}>
                        <BottleneckView bottleneck={row.bottleneck} stages={row.stages} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The studio's dashboard: jobs, runs and rows at a glance, live over the event stream. */
export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const { data, error } = useLiveDashboard();
  const count = (n: number) => formatCount(n, i18n.language);
  return (
    <section className="page" data-testid="dashboard-page">
      <div className="page-header">
        <h1>{t('monitor.title')}</h1>
        {data && (
          <span className="small muted" data-testid="dashboard-updated">
            <span className="monitor-live-dot" aria-hidden="true" /> {t('monitor.live')} ·{' '}
            {t('monitor.updated', { time: formatDateTime(data.generated_at, i18n.language) })}
          </span>
        )}
      </div>
      <ErrorBanner error={error} />
      {data && (
        <>
          <div className="monitor-stats">
            <Stat
              label={t('monitor.jobs')}
              value={count(data.jobs.total)}
              detail={[
                t('monitor.jobs_enabled', { count: data.jobs.enabled }),
                ...JOB_STATES.filter((state) => data.jobs.by_state[state]).map(
                  (state) => `${t(`status.${state}`)} ${data.jobs.by_state[state]}`,
                ),
              ].join(' · ')}
              testId="stat-jobs"
            />
            <Stat
              label={t('monitor.success_rate')}
              value={
                data.runs.success_rate === null
                  ? '—'
                  : `${(data.runs.success_rate * 100).toLocaleString(i18n.language, { maximumFractionDigits: 1 })}%`
              }
              detail={
                data.runs.completed + data.runs.failed > 0
                  ? t('monitor.success_detail', {
                      days: data.runs.window_days,
                      completed: data.runs.completed,
                      failed: data.runs.failed,
                    })
                  : t('monitor.no_runs')
              }
              testId="stat-success"
            />
            <Records label={t('monitor.records_today')} counts={data.records.today} testId="stat-today" />
            <Records label={t('monitor.records_week')} counts={data.records.week} testId="stat-week" />
            <Records label={t('monitor.records_month')} counts={data.records.month} testId="stat-month" />
          </div>
          <ActiveRuns dashboard={data} />
          <Charts dashboard={data} />
          <div className="monitor-lower">
            <Failures dashboard={data} />
            <Latency dashboard={data} />
          </div>
        </>
      )}
    </section>
  );
}
