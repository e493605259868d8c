import type { StepColumn, StepPreviewResult } from '../../src-shared/api/step-preview-model';

/*
 * What the step preview panel shows for a node of the flow graph: the input node its input's
 * rows, a processor node the rows after that step, the output node the rows the output would be
 * handed (after the last processor).
 */

/** The rows at one node, with what the panel says about them. */
export interface StepView {
  kind: 'input' | 'processor' | 'output';
  /** The node's config path (`input`, `pipeline.processors[1]`, `output`). */
  path: string;
  /** The component type (`generate`, `filter`); the preview does not know the output's. */
  type?: string;
  columns: StepColumn[];
  rows: unknown[][];
  /** Rows the node was handed; absent for the input. */
  rowsIn?: number;
  rowsOut: number;
  dropped: number;
  /** Rows rejected, each with its error, in `rejectedColumns`. */
  rejected: { row: unknown[]; error: string }[];
  rejectedColumns: StepColumn[];
  durationMs: number;
  error?: string;
  /** The node was not reached (`blockedBy` says where the rows stopped, for an output). */
  skipped: boolean;
  /** For the output: the place that stopped the rows before it (`input`, `pipeline.processors[1]`). */
  blockedBy?: string;
  /** For a branch: its name or condition. */
  note?: string;
}

/** A processor of the main chain (`pipeline.processors[2]`), not one inside a branch. */
const MAIN_CHAIN_STEP = /^pipeline\.processors\[\d+\]$/;

/** The view of a node, or null for a node the preview has nothing for (a branch). */
export function stepViewOf(result: StepPreviewResult, nodeId: string): StepView | null {
  const { input, steps } = result;
  const inputView: StepView = {
    kind: 'input',
    path: 'input',
    type: input.type,
    columns: input.columns,
    rows: input.rows,
    rowsOut: input.rows.length,
    dropped: 0,
    rejected: [],
    rejectedColumns: [],
    durationMs: input.duration_ms,
    skipped: false,
    ...(input.error !== undefined ? { error: input.error } : {}),
  };
  if (nodeId === 'input') return inputView;
  const index = steps.findIndex((step) => step.path === nodeId);
  if (index >= 0) {
    const step = steps[index];
    return {
      kind: 'processor',
      path: step.path,
      type: step.type,
      columns: step.columns,
      rows: step.rows,
      rowsIn: step.rows_in,
      rowsOut: step.rows_out,
      dropped: step.dropped,
      rejected: step.rejected,
      rejectedColumns: index === 0 ? input.columns : steps[index - 1].columns,
      durationMs: step.duration_ms,
      skipped: step.skipped === true,
      ...(step.error !== undefined ? { error: step.error } : {}),
      ...(step.note !== undefined ? { note: step.note } : {}),
    };
  }
  if (nodeId !== 'output' && !nodeId.endsWith('.output')) return null;
  // An output is handed what the last step before it passed on, once every step up to it ran: the
  // main chain's steps, and for a branch's output the branch and its processors.
  const branch = nodeId === 'output' ? null : nodeId.slice(0, -'.output'.length);
  const leading = steps.filter(
    (step) =>
      MAIN_CHAIN_STEP.test(step.path) ||
      (branch !== null && (step.path === branch || step.path.startsWith(`${branch}.`))),
  );
  const stopper =
    leading.find((step) => step.error !== undefined) ?? leading.find((step) => step.skipped === true);
  const blockedBy = input.error !== undefined ? 'input' : stopper?.path;
  const handed = blockedBy === undefined ? (leading.at(-1) ?? null) : null;
  const reached = blockedBy === undefined;
  return {
    kind: 'output',
    path: nodeId,
    columns: handed ? handed.columns : reached ? input.columns : [],
    rows: handed ? handed.rows : reached ? input.rows : [],
    rowsIn: handed ? handed.rows_out : reached ? input.rows.length : 0,
    rowsOut: handed ? handed.rows_out : reached ? input.rows.length : 0,
    dropped: 0,
    rejected: [],
    rejectedColumns: [],
    durationMs: 0,
    skipped: !reached,
    ...(blockedBy !== undefined ? { blockedBy } : {}),
  };
}
