import { useTranslation } from 'react-i18next';
import type { RunProgress } from '../../src-shared/api/model';
import { formatCount, formatDuration } from '../app/format';
import type { LiveRun } from './run-store';
import { BottleneckView } from '../monitor/bottleneck-view';

function Metric({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="metric">
      <div className="metric-label">{label}</div>
      <div className="metric-value mono" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

/** Live counters of the job's current run (or its last one), from job_progress events. */
export function RunPanel({ run }: { run: LiveRun | null }) {
  const { t, i18n } = useTranslation();
  const progress: RunProgress | null = run?.progress ?? null;
  const count = (value: number | undefined) =>
    value === undefined ? '—' : formatCount(value, i18n.language);
  const percent =
    progress?.total && progress.total > 0
      ? Math.min(100, (progress.records_read / progress.total) * 100)
      : null;
  return (
    <div className="run-panel" data-testid="run-panel">
      {!run && <div className="muted">{t('progress.idle')}</div>}
      {run && (
        <>
          <div className="metrics">
            <Metric label={t('progress.read')} value={count(progress?.records_read)} testId="progress-read" />
            <Metric
              label={t('progress.written')}
              value={count(progress?.records_written)}
              testId="progress-written"
            />
            <Metric
              label={t('progress.failed')}
              value={count(progress?.records_failed)}
              testId="progress-failed"
            />
            <Metric
              label={t('progress.rate')}
              value={progress ? formatCount(Math.round(progress.rows_per_second), i18n.language) : '—'}
              testId="progress-rate"
            />
            <Metric
              label={t('progress.elapsed')}
              value={progress ? formatDuration(progress.elapsed_ms) : '—'}
              testId="progress-elapsed"
            />
          </div>
          {percent !== null && (
            <div
              className="progress-bar"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(percent)}
              data-testid="progress-bar"
            >
              <div className={`progress-fill progress-${run.status}`} style={{ width: `${percent}%` }} />
              <span className="progress-text mono">{percent.toFixed(0)}%</span>
            </div>
          )}
          {progress?.steps && progress.steps.length > 0 && (
            <div>
              <table className="run-steps" data-testid="run-steps">
                <thead>
                  <tr>
                    <th>{t('progress.step')}</th>
                    <th className="num">{t('progress.step_in')}</th>
                    <th className="num">{t('progress.step_out')}</th>
                    <th className="num">{t('progress.step_dropped')}</th>
                    <th className="num">{t('progress.step_skipped')}</th>
                    <th className="num">{t('progress.failed')}</th>
                  </tr>
                </thead>
                <tbody>
                  {progress.steps.map((step) => (
                    <tr key={step.path} data-testid="run-step" data-path={step.path}>
                      <td title={step.path}>{step.type}</td>
                      <td className="num mono">{count(step.records_in)}</td>
                      <td className="num mono">{count(step.records_out)}</td>
                      <td className="num mono" data-testid="run-step-dropped">
                        {count(step.records_dropped)}
                      </td>
                      <td className="num mono">{count(step.records_skipped)}</td>
                      <td className="num mono">{count(step.records_failed)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <BottleneckView bottleneck={run.bottleneck ?? null} stages={progress?.stages ?? null} />
          {!run.error && run.notes && run.notes.length > 0 && (
            <ul className="run-notes" data-testid="run-notes">
              {run.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
          {run.error && (
            <div className="run-error" data-testid="run-error">
              {run.error}
            </div>
          )}
        </>
      )}
    </div>
  );
}
