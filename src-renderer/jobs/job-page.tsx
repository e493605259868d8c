import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Execution, Job } from '../../src-shared/api/model';
import { api } from '../api/client';
import { errorText, problemLine, type ErrorText } from '../api/error-text';
import { useAsync } from '../app/use-async';
import { ErrorBanner, StatusBadge } from '../app/widgets';
import { DesignerWorkspace } from '../designer/designer-workspace';
import { nodeCounts } from '../designer/node-counts';
import { PropertiesPanel } from '../designer/properties/properties-panel';
import { SchemaDiffPanel } from '../diff/schema-diff-panel';
import { JobPreviewPanel } from '../preview/job-preview-panel';
import { StepPreviewPanel } from '../preview/step-preview-panel';
import { DeadLettersPanel } from '../deadletters/dead-letters-panel';
import { deadLettersHref } from '../deadletters/dead-letters-route';
import { ExecutionLogPanel } from '../logs/execution-log-panel';
import { LifecycleActions } from './lifecycle-actions';
import { SchedulePanel } from './schedule-panel';
import { RunHistory } from './run-history';
import { TransitionList } from './transition-list';
import { RunPanel } from './run-panel';
import { currentRun } from './current-run';
import { useRunStore } from './run-store';

const LOWER_TABS = ['progress', 'history', 'logs', 'schedule', 'lifecycle'] as const;
type LowerTab = (typeof LOWER_TABS)[number];

function JobEditor({ job, onSaved }: { job: Job; onSaved: (job: Job) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(job.config_yaml);
  const [saving, setSaving] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const [stepNode, setStepNode] = useState<string | null>(null);
  const [diagram, setDiagram] = useState(job.flow_diagram);
  // The text the Validate button last found valid (the button says so until the text changes).
  const [validated, setValidated] = useState<string | null>(null);
  const dirty = draft !== job.config_yaml || JSON.stringify(diagram) !== JSON.stringify(job.flow_diagram);

  const statusVersion = useRunStore((state) => state.statusVersion);
  const live = useRunStore((state) => state.runs[job.id] ?? null);
  const liveState = useRunStore((state) => state.jobStates[job.id] ?? null);
  const history = useAsync(() => api.listExecutions({ job_id: job.id, limit: 50 }), [job.id]);
  const { reload } = history;
  useEffect(() => {
    if (statusVersion > 0) reload();
  }, [statusVersion, reload]);

  const latest = history.data?.[0] ?? null;
  const [tab, setTab] = useState<LowerTab>('progress');
  const [selectedRun, setSelectedRun] = useState<Execution | null>(null);
  const shown = currentRun(live, latest);
  const status = shown?.status ?? null;
  const active = status === 'pending' || status === 'running';
  const progress = shown?.progress;
  const counts = useMemo(() => nodeCounts(progress), [progress]);

  const save = useCallback(async () => {
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.updateJob({ id: job.id, config_yaml: draft, flow_diagram: diagram }));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setSaving(false);
    }
  }, [draft, diagram, job.id, onSaved]);

  /** Validate now: the problems in the banner, each located, or a short "valid" beside the button. */
  const validate = async () => {
    setError(null);
    setValidated(null);
    try {
      const { problems } = await api.validateConfig({ config_yaml: draft, file_name: `${job.name}.yaml` });
      if (problems.length === 0) setValidated(draft);
      else
        setError({
          message: t('job.problems', { count: problems.length }),
          problems: problems.map(problemLine),
        });
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      if (dirty) onSaved(await api.updateJob({ id: job.id, config_yaml: draft, flow_diagram: diagram }));
      await api.startJob({ id: job.id });
      reload();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setStarting(false);
    }
  };

  const stop = async () => {
    try {
      await api.stopJob({ id: job.id });
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <section className="page job-page" data-testid="job-page">
      <div className="page-header">
        <div className="title-row">
          <Link href="/jobs" className="back-link" data-testid="back-to-jobs">
            ← {t('job.back')}
          </Link>
          <h1 data-testid="job-name">{job.name}</h1>
          <StatusBadge status={status} testId="job-status" />
          <span className="muted small">{t('lifecycle.state')}</span>
          <StatusBadge status={liveState ?? job.state} testId="job-state" />
        </div>
        <div className="toolbar">
          <span className="muted small" data-testid="save-state">
            {dirty ? t('job.unsaved') : t('job.saved')}
          </span>
          <button
            type="button"
            className="button"
            data-testid="job-save"
            disabled={!dirty || saving}
            onClick={() => void save()}
          >
            {saving ? t('common.saving') : t('common.save')}
          </button>
          <button type="button" className="button" data-testid="job-validate" onClick={() => void validate()}>
            {validated === draft ? `✓ ${t('job.valid')}` : t('job.validate')}
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="job-run"
            disabled={active || starting}
            onClick={() => void start()}
          >
            ▶ {t('job.run')}
          </button>
          <button
            type="button"
            className="button danger"
            data-testid="job-stop"
            disabled={!active}
            onClick={() => void stop()}
          >
            ■ {t('job.stop')}
          </button>
          <LifecycleActions
            job={job}
            status={status}
            onJob={onSaved}
            onChanged={() => {
              reload();
              void api.getJob({ id: job.id }).then(onSaved, () => undefined);
            }}
            onError={setError}
          />
        </div>
      </div>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <DesignerWorkspace
        yaml={draft}
        onChange={setDraft}
        fileName={`${job.name}.yaml`}
        selectedId={stepNode}
        onSelect={setStepNode}
        positions={job.flow_diagram}
        onPositionsChange={setDiagram}
        counts={counts}
        renderProperties={(node, onFieldChange) =>
          node.kind === 'branch' ? null : (
            <PropertiesPanel
              kind={node.kind}
              type={node.type}
              section={node.section}
              path={node.path}
              problems={node.problems}
              onFieldChange={onFieldChange}
              jobId={job.id}
              yaml={draft}
            />
          )
        }
      />
      {stepNode && (
        <StepPreviewPanel
          jobId={job.id}
          yaml={draft}
          nodeId={stepNode}
          onSelect={setStepNode}
          onClose={() => setStepNode(null)}
        />
      )}
      <div className="panel job-lower-tabs">
        <div className="job-tabs" role="tablist">
          {LOWER_TABS.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              className={tab === name ? 'active' : ''}
              data-testid={`job-tab-${name}`}
              onClick={() => setTab(name)}
            >
              {t(`lifecycle.tab_${name}`)}
            </button>
          ))}
        </div>
        {tab === 'progress' && <RunPanel run={shown} />}
        {tab === 'history' && (
          <>
            <ErrorBanner error={history.error} />
            <RunHistory
              executions={history.data ?? []}
              selectedId={selectedRun?.id ?? null}
              onSelect={setSelectedRun}
            />
            {selectedRun && (
              <div className="selected-run" data-testid="selected-run">
                <Link
                  href={deadLettersHref(job.id, selectedRun.id)}
                  className="link-button"
                  data-testid="execution-dead-letters"
                >
                  {t('dead_letters.open')}
                </Link>
                <DeadLettersPanel key={selectedRun.id} jobId={job.id} executionId={selectedRun.id} />
              </div>
            )}
          </>
        )}
        {tab === 'logs' &&
          ((selectedRun ?? shown) ? (
            <ExecutionLogPanel
              key={selectedRun?.id ?? shown?.execution_id}
              executionId={selectedRun?.id ?? shown!.execution_id}
            />
          ) : (
            <div className="empty">{t('lifecycle.select_run')}</div>
          ))}
        {tab === 'schedule' && <SchedulePanel job={job} yaml={draft} onConfigChange={setDraft} />}
        {tab === 'lifecycle' && <TransitionList jobId={job.id} />}
      </div>
      <JobPreviewPanel jobId={job.id} unsaved={dirty} />
      <SchemaDiffPanel jobId={job.id} unsaved={dirty} />
    </section>
  );
}

/** One job: flow graph beside its YAML, Run / Stop with live progress, and the run history. */
export function JobPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const loaded = useAsync(() => api.getJob({ id }), [id]);
  const [job, setJob] = useState<Job | null>(null);
  const current = job ?? loaded.data;
  if (loaded.error) {
    return (
      <section className="page">
        <ErrorBanner error={loaded.error} />
        <Link href="/jobs" className="back-link">
          ← {t('job.back')}
        </Link>
      </section>
    );
  }
  if (!current) return <section className="page muted">{t('common.loading')}</section>;
  return <JobEditor job={current} onSaved={setJob} />;
}
