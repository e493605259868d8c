import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StepPreviewResult } from '../../src-shared/api/step-preview-model';
import { formatCount } from '../../src-shared/text/count';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { ErrorBanner } from '../app/widgets';
import { DataGrid, type GridColumn } from './data-grid';
import { stepViewOf, type StepView } from './step-view';

/** What the last preview ran over and what it gave. */
export interface Previewed {
  yaml: string;
  result: StepPreviewResult | null;
  error: ErrorText | null;
}

const ERROR_COLUMN: GridColumn = { name: 'error', type: 'string' };

function milliseconds(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : String(Math.round(ms));
}

/** The counts line: rows in → out, dropped, rejected, time. */
function StepCounts({ view }: { view: StepView }) {
  const { t } = useTranslation();
  return (
    <div className="step-counts" data-testid="step-preview-counts">
      {view.rowsIn !== undefined && view.kind === 'processor' ? (
        <span data-testid="step-preview-rows">
          {t('step_preview.rows_in_out', { in: formatCount(view.rowsIn), out: formatCount(view.rowsOut) })}
        </span>
      ) : (
        <span data-testid="step-preview-rows">
          {t('step_preview.rows', { count: view.rowsOut, formatted: formatCount(view.rowsOut) })}
        </span>
      )}
      {view.kind === 'processor' && (
        <>
          <span data-testid="step-preview-dropped">
            {t('step_preview.dropped', { formatted: formatCount(view.dropped) })}
          </span>
          <span
            className={view.rejected.length > 0 ? 'text-danger' : undefined}
            data-testid="step-preview-rejected-count"
          >
            {t('step_preview.rejected', { formatted: formatCount(view.rejected.length) })}
          </span>
        </>
      )}
      {view.kind !== 'output' && (
        <span className="muted" data-testid="step-preview-time">
          {t('step_preview.duration', { ms: milliseconds(view.durationMs) })}
        </span>
      )}
    </div>
  );
}

/** Rows the step rejected, each with its error, in the columns the step was handed. */
function RejectedRows({ view }: { view: StepView }) {
  const { t } = useTranslation();
  if (view.rejected.length === 0) return null;
  return (
    <div className="step-rejected" data-testid="step-preview-rejected">
      <div className="step-subtitle text-danger">
        {t('step_preview.rejected_title', { formatted: formatCount(view.rejected.length) })}
      </div>
      <DataGrid
        columns={[ERROR_COLUMN, ...view.rejectedColumns]}
        rows={view.rejected.map(({ row, error }) => [error, ...row])}
        height={180}
        testId="step-preview-rejected-grid"
      />
    </div>
  );
}

/** Why a node has no rows to show: it failed, or it was not reached. */
function StepMessage({ view }: { view: StepView }) {
  const { t } = useTranslation();
  if (view.error)
    return (
      <div className="error-banner" role="alert" data-testid="step-preview-error">
        <strong>{view.error}</strong>
      </div>
    );
  if (!view.skipped) return null;
  const reason = view.blockedBy
    ? t('step_preview.not_reached_by', { path: view.blockedBy })
    : t('step_preview.not_run');
  return (
    <div className="step-not-run muted" data-testid="step-preview-not-run">
      {reason}
    </div>
  );
}

/** The node buttons above the rows: every step with the rows it passed on, to move between them. */
function StepStrip({
  result,
  nodeId,
  onSelect,
}: {
  result: StepPreviewResult;
  nodeId: string;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const nodes = [
    {
      id: 'input',
      label: result.input.type,
      count: result.input.error ? '!' : String(result.input.rows.length),
    },
    ...result.steps.map((step) => ({
      id: step.path,
      // A branch goes by its name or condition (the `else` branch has neither).
      label: step.type === 'branch' ? (step.note ?? t('graph.otherwise')) : step.type,
      count: step.error ? '!' : step.skipped ? '–' : formatCount(step.rows_out),
    })),
  ];
  // A chain closed by a conditional has an output per branch instead (shown by their nodes).
  if (!result.steps.some((step) => step.type === 'branch'))
    nodes.push({ id: 'output', label: t('graph.output'), count: '' });
  return (
    <div className="step-strip" role="tablist">
      {nodes.map((node, i) => (
        <button
          key={node.id}
          type="button"
          role="tab"
          aria-selected={node.id === nodeId}
          className={node.id === nodeId ? 'step-chip active' : 'step-chip'}
          data-testid="step-preview-chip"
          data-node-id={node.id}
          onClick={() => onSelect(node.id)}
        >
          {i > 0 && <span className="step-arrow">→</span>}
          <span className="step-chip-label">{node.label}</span>
          {node.count && <span className="step-chip-count">{node.count}</span>}
        </button>
      ))}
    </div>
  );
}

/** A step preview of some YAML: what ran last, whether it is running, and how to run it again. */
export interface StepPreviewState {
  previewed: Previewed | null;
  loading: boolean;
  /** The last preview ran over other YAML than `yaml` now is. */
  stale: boolean;
  run: (config: string) => Promise<void>;
}

/**
 * Runs step previews of a job's YAML (unsaved changes included): once whenever `trigger` changes
 * (a node clicked, a tab opened) if the YAML changed since the last one, and on `run`. A later run
 * wins over one still on its way.
 */
export function useStepPreview(jobId: string, yaml: string, trigger: unknown): StepPreviewState {
  const [previewed, setPreviewed] = useState<Previewed | null>(null);
  const [loading, setLoading] = useState(false);
  const latestYaml = useRef(yaml);
  latestYaml.current = yaml;
  const runs = useRef(0);

  const run = async (config: string) => {
    const token = ++runs.current;
    setLoading(true);
    let next: Previewed;
    try {
      next = {
        yaml: config,
        result: await api.previewSteps({ job_id: jobId, config_yaml: config }),
        error: null,
      };
    } catch (failure) {
      next = { yaml: config, result: null, error: errorText(failure) };
    }
    if (token !== runs.current) return;
    setPreviewed(next);
    setLoading(false);
  };

  useEffect(() => {
    if (previewed?.yaml !== latestYaml.current) void run(latestYaml.current);
    // On the trigger, not on every keystroke in the editor (the YAML is read from the ref).
  }, [trigger]);

  return { previewed, loading, stale: previewed !== null && previewed.yaml !== yaml, run };
}

/**
 * What a step preview shows at one node: the limit note, the counts, the rows in a virtualised
 * grid with their column types, the rejected rows, or why the node has none. `onSelect` adds the
 * strip of steps to move between nodes.
 */
export function StepPreviewBody({
  state,
  nodeId,
  onSelect,
}: {
  state: StepPreviewState;
  nodeId: string;
  onSelect?: (id: string) => void;
}) {
  const { t } = useTranslation();
  const { previewed, loading, stale } = state;
  const result = previewed?.result ?? null;
  const view = result ? stepViewOf(result, nodeId) : null;
  return (
    <div className="step-preview-body">
      {stale && !loading && <div className="diff-unsaved small">{t('step_preview.stale')}</div>}
      <ErrorBanner error={previewed?.error ?? null} />
      {result && (
        <>
          {onSelect && <StepStrip result={result} nodeId={nodeId} onSelect={onSelect} />}
          <div className="muted small">
            {t('step_preview.limit_note', { formatted: formatCount(result.limit) })}
            {result.input.has_more ? ` ${t('step_preview.input_has_more')}` : ''}
          </div>
          {result.input.notes.length > 0 && (
            <ul className="preview-notes">
              {result.input.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </>
      )}
      {result && !view && (
        <div className="muted" data-testid="step-preview-none">
          {t('step_preview.no_view')}
        </div>
      )}
      {view && (
        <>
          {!view.skipped && <StepCounts view={view} />}
          <StepMessage view={view} />
          {!view.error && !view.skipped && (
            <DataGrid columns={view.columns} rows={view.rows} height={320} testId="step-preview-grid" />
          )}
          <RejectedRows view={view} />
        </>
      )}
    </div>
  );
}

/**
 * The job page's step preview: the rows at the flow graph node the user clicked, from a preview of
 * the editor's YAML (unsaved changes included) run over the input's first rows, nothing written.
 * The preview runs when the panel opens, again on Refresh, and when a node is clicked after the
 * YAML changed.
 */
export function StepPreviewPanel({
  jobId,
  yaml,
  nodeId,
  onSelect,
  onClose,
}: {
  jobId: string;
  yaml: string;
  nodeId: string;
  onSelect: (id: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const state = useStepPreview(jobId, yaml, nodeId);
  const { previewed, loading, stale } = state;
  const panel = useRef<HTMLElement>(null);

  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [nodeId]);

  return (
    <section
      ref={panel}
      className="panel step-preview"
      data-testid="step-preview"
      data-node-id={nodeId}
      data-ready={previewed !== null && !loading && !stale ? 'true' : 'false'}
    >
      <div className="panel-title">
        <span data-testid="step-preview-title">{t('step_preview.title')}</span>
        <span className="mono step-path" data-testid="step-preview-path">
          {nodeId}
        </span>
        <span className="spacer" />
        {loading && <span className="muted small">{t('step_preview.running')}</span>}
        <button
          type="button"
          className="button small"
          data-testid="step-preview-refresh"
          disabled={loading}
          onClick={() => void state.run(yaml)}
        >
          {t('step_preview.refresh')}
        </button>
        <button type="button" className="link-button" data-testid="step-preview-close" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <StepPreviewBody state={state} nodeId={nodeId} onSelect={onSelect} />
    </section>
  );
}
