import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ConfigProblem, Job } from '../../src-shared/api/model';
import { api } from '../api/client';
import { errorText, problemLine, type ErrorText } from '../api/error-text';
import { useAsync } from '../app/use-async';
import { ErrorBanner, StatusBadge } from '../app/widgets';
import { FlowView } from '../designer/flow-view';
import { SchemaDiffPanel } from '../diff/schema-diff-panel';
import { JobPreviewPanel } from '../preview/job-preview-panel';
import { StepPreviewPanel } from '../preview/step-preview-panel';
import { pipelineGraphFromYaml, type PipelineGraph } from '../designer/pipeline-graph';
import { YamlEditor } from '../yaml/yaml-editor';
import { RunHistory } from './run-history';
import { RunPanel } from './run-panel';
import { currentRun } from './current-run';
import { useRunStore } from './run-store';

const VALIDATE_DELAY_MS = 400;

/** Validates the draft as the user types, a moment after they pause. */
function useValidation(configYaml: string, fileName: string): ConfigProblem[] | null {
  const [problems, setProblems] = useState<ConfigProblem[] | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api.validateConfig({ config_yaml: configYaml, file_name: fileName }).then(
        (result) => current && setProblems(result.problems),
        // A failed validation call is not a problem in the config; keep the last answer.
        () => undefined,
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [configYaml, fileName]);
  return problems;
}

function JobEditor({ job, onSaved }: { job: Job; onSaved: (job: Job) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(job.config_yaml);
  const [saving, setSaving] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const [reveal, setReveal] = useState<{ line: number; col: number; token: number } | null>(null);
  const [stepNode, setStepNode] = useState<string | null>(null);
  const lastGraph = useRef<PipelineGraph | null>(null);
  const dirty = draft !== job.config_yaml;
  const problems = useValidation(draft, `${job.name}.yaml`);

  const statusVersion = useRunStore((state) => state.statusVersion);
  const live = useRunStore((state) => state.runs[job.id] ?? null);
  const history = useAsync(() => api.listExecutions({ job_id: job.id, limit: 50 }), [job.id]);
  const { reload } = history;
  useEffect(() => {
    if (statusVersion > 0) reload();
  }, [statusVersion, reload]);

  const latest = history.data?.[0] ?? null;
  const shown = currentRun(live, latest);
  const status = shown?.status ?? null;
  const active = status === 'pending' || status === 'running';

  const parsed = useMemo(() => pipelineGraphFromYaml(draft), [draft]);
  if (parsed.ok) lastGraph.current = parsed.graph;
  const graph = parsed.ok ? parsed.graph : lastGraph.current;
  const problemPaths = useMemo(() => (problems ?? []).map((problem) => problem.path), [problems]);

  const save = useCallback(async () => {
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.updateJob({ id: job.id, config_yaml: draft }));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setSaving(false);
    }
  }, [draft, job.id, onSaved]);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      if (dirty) onSaved(await api.updateJob({ id: job.id, config_yaml: draft }));
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
        </div>
      </div>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <div className="job-workspace">
        <div className="panel flow-panel">
          <div className="panel-title">{t('job.flow')}</div>
          {graph && (
            <FlowView
              graph={graph}
              problemPaths={problemPaths}
              selectedId={stepNode}
              onNodeClick={setStepNode}
            />
          )}
          {!parsed.ok && (
            <div className="graph-note" data-testid="graph-note">
              {t('job.graph_unavailable', { message: parsed.message })}
            </div>
          )}
        </div>
        <div className="panel editor-panel">
          <div className="panel-title">
            {t('job.yaml')}
            <span className="spacer" />
            {problems && problems.length === 0 && (
              <span className="valid-note" data-testid="config-valid">
                ✓ {t('job.valid')}
              </span>
            )}
            {problems && problems.length > 0 && (
              <span className="text-danger" data-testid="problem-count">
                {t('job.problems', { count: problems.length })}
              </span>
            )}
          </div>
          <YamlEditor value={draft} onChange={setDraft} problems={problems ?? []} reveal={reveal} />
          {problems && problems.length > 0 && (
            <ul className="problem-list" data-testid="problem-list">
              {problems.map((problem, index) => (
                <li key={`${problem.line}:${problem.col}:${index}`}>
                  <button
                    type="button"
                    className="link-button mono"
                    onClick={() => setReveal({ line: problem.line, col: problem.col, token: Date.now() })}
                  >
                    {problemLine(problem)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {stepNode && (
        <StepPreviewPanel
          jobId={job.id}
          yaml={draft}
          nodeId={stepNode}
          onSelect={setStepNode}
          onClose={() => setStepNode(null)}
        />
      )}
      <div className="job-lower">
        <div className="panel">
          <div className="panel-title">{t('progress.title')}</div>
          <RunPanel run={shown} />
        </div>
        <div className="panel history-panel">
          <div className="panel-title">{t('history.title')}</div>
          <ErrorBanner error={history.error} />
          <RunHistory executions={history.data ?? []} />
        </div>
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
