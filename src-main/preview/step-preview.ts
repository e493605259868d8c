import type { Column, Row } from '../engine/batch';
import type { BoundRouter } from '../engine/branches';
import {
  silentLogger,
  type BoundProcessor,
  type ComponentContext,
  type ComponentSpec,
  type InputSpec,
  type Logger,
  type ProcessContext,
  type Processor,
  type ProcessorSpec,
} from '../engine/component';
import { DEFAULT_ON_ERROR, type OnError } from '../engine/processor-chain';
import { rowPreview } from '../engine/rejects';
import { locatedMessage, messageOf } from '../engine/stage-error';
import { componentFields, type SpecLookup } from '../config/component-fields';
import type { LoadedConfig } from '../config/load';
import {
  branchComponents,
  branchSections,
  CONDITIONAL,
  jobNameOf,
  placedComponents,
  type PlacedComponent,
} from '../config/validate';

/*
 * Step preview: the first rows of a pipeline's input run through its processors one step at a
 * time, keeping what came out of every step, so the designer can show the data at each node.
 * Nothing is written: the output is never created. Each step is handed every row the step
 * before it passed on, in one call, and then flushed, as a lane's last batch would be: an
 * aggregate shows its groups, a merge its merged rows. A `conditional` closing the chain sends
 * each row one way: every branch is a step of its own with the rows it was sent, followed by the
 * steps of its processors.
 */

/** A row a processor rejected (`ctx.reject`), with the error as `on_error` would record it. */
export interface RejectedStepRow {
  /** In the columns of the rows the step was handed. */
  row: Row;
  error: string;
}

/** What the input gave: its first rows. */
export interface InputSnapshot {
  type: string;
  columns: Column[];
  rows: Row[];
  /** More rows followed those read (the read stopped at the limit). */
  more: boolean;
  durationMs: number;
  /** Why no rows could be read (`input: connection refused`); every step is then not run. */
  error?: string;
  notes: string[];
}

/** One processor of the chain and the rows after it. */
export interface StepSnapshot {
  /** Where it sits in the config: `pipeline.processors[1]`. */
  path: string;
  type: string;
  onError: OnError;
  /** Columns of the rows it passed on (empty when it did not run or could not bind). */
  columns: Column[];
  /** The first `limit` rows it passed on. */
  rows: Row[];
  rowsIn: number;
  rowsOut: number;
  /** Rows it left out without rejecting them (a filter's); 0 for processors that fold rows (aggregate). */
  dropped: number;
  rejected: RejectedStepRow[];
  durationMs: number;
  /** Why it stopped, located (`pipeline.processors[1].fields.x: unknown column "x"`). */
  error?: string;
  /** It did not run: a step before it stopped. */
  skipped?: boolean;
  /** For a branch of a conditional (type `branch`): its name, else its condition. */
  note?: string;
}

export interface StepPreview {
  input: InputSnapshot;
  steps: StepSnapshot[];
}

export interface StepPreviewOptions {
  /** Rows to read from the input, and rows kept per step. */
  limit: number;
  /** Cancels the preview (the read and the steps still to run). */
  signal?: AbortSignal;
  /** The read gives up after this long and the steps run over what arrived (default 30 s). */
  readTimeoutMs?: number;
  logger?: Logger;
}

const DEFAULT_READ_TIMEOUT_MS = 30_000;

/** Two column lists describe the same rows (an input may hand a fresh array with every batch). */
function sameShape(a: Column[], b: Column[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i].name && c.type === b[i].type);
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/**
 * Reads the input's first `limit` rows (one past, to know whether more follow) in one lane, then
 * stops the read: the signal is aborted and the input closed, so a table of millions costs one batch.
 */
async function readFirstRows(
  spec: InputSpec,
  config: Record<string, unknown>,
  ctx: ComponentContext,
  controller: AbortController,
  limit: number,
  timeoutMs: number,
): Promise<InputSnapshot> {
  const started = performance.now();
  const snapshot: InputSnapshot = {
    type: spec.name,
    columns: [],
    rows: [],
    more: false,
    durationMs: 0,
    notes: [],
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('reading took too long'));
  }, timeoutMs);
  try {
    const input = await spec.create(config, ctx);
    try {
      await input.plan(1);
      let shape: Column[] | undefined;
      reading: for await (const batch of input.read(0, 1, controller.signal)) {
        if (batch.rows.length === 0) continue;
        if (!shape) {
          shape = batch.columns;
          snapshot.columns = batch.columns;
        } else if (batch.columns !== shape && !sameShape(batch.columns, shape)) {
          const where = batch.table === undefined ? '' : ` (table "${batch.table}")`;
          snapshot.notes.push(
            `the input's columns change after row ${snapshot.rows.length}${where}; the preview shows the rows before`,
          );
          break;
        }
        for (const row of batch.rows) {
          if (snapshot.rows.length === limit) {
            snapshot.more = true;
            break reading;
          }
          snapshot.rows.push(row);
        }
      }
    } finally {
      controller.abort();
      await input.close?.().catch(() => undefined);
    }
  } catch (error) {
    // Stopped by the timeout: the steps run over what arrived.
    if (!timedOut) snapshot.error = locatedMessage('input', error);
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) {
    snapshot.more = true;
    snapshot.notes.push(`reading stopped after ${timeoutMs / 1000} s`);
  }
  snapshot.durationMs = elapsed(started);
  return snapshot;
}

/** A step with nothing counted yet. */
function emptyStep(place: PlacedComponent): StepSnapshot {
  return {
    path: place.path,
    type: place.component.type,
    onError: place.onError ?? DEFAULT_ON_ERROR,
    columns: [],
    rows: [],
    rowsIn: 0,
    rowsOut: 0,
    dropped: 0,
    rejected: [],
    durationMs: 0,
  };
}

/** A step that did not run, for every processor after the one that stopped the preview. */
function notRun(place: PlacedComponent, note?: string): StepSnapshot {
  return { ...emptyStep(place), skipped: true, ...(note ? { note } : {}) };
}

/** Thrown by `reject` under `on_error: fail`: the step stops naming the row, as a run would. */
class RowFailure extends Error {
  constructor(
    readonly row: Row,
    readonly error: unknown,
  ) {
    super(messageOf(error));
  }
}

function processAndFlush(bound: BoundProcessor, rows: Row[], ctx: ProcessContext): Row[] {
  const out = rows.length > 0 ? bound.process(rows, ctx) : [];
  return bound.flush ? out.concat(bound.flush(ctx)) : out;
}

/**
 * Runs one processor over every row of the step before it, then flushes it. Rejected rows are
 * collected as `on_error` would treat them (kept with their error for `skip` and `dead_letter`,
 * nothing is dead-lettered); under `fail` the first one stops the step.
 */
async function runStep(
  place: PlacedComponent,
  processor: Processor,
  columns: Column[],
  rows: Row[],
  limit: number,
  /** How the bound processor turns the rows into its own; default `process`, then `flush`. */
  handle: (bound: BoundProcessor, rows: Row[], ctx: ProcessContext) => Row[] = processAndFlush,
): Promise<{ step: StepSnapshot; out: Row[] }> {
  const onError = place.onError ?? DEFAULT_ON_ERROR;
  const step: StepSnapshot = { ...emptyStep(place), rowsIn: rows.length };
  const started = performance.now();
  const rejected: RejectedStepRow[] = [];
  const ctx: ProcessContext =
    onError === 'fail'
      ? {
          reject(row, error) {
            throw new RowFailure(row, error);
          },
        }
      : { reject: (row, error) => void rejected.push({ row, error: messageOf(error) }) };
  let out: Row[] = [];
  let bound: BoundProcessor | undefined;
  try {
    await processor.open?.();
    bound = processor.bind(columns);
    step.columns = bound.columns;
    if (rows.length > 0) await bound.prepare?.(rows);
    out = handle(bound, rows, ctx);
  } catch (error) {
    step.error =
      error instanceof RowFailure
        ? `${place.path}: ${messageOf(error.error)} (on_error: fail; row ${rows.indexOf(error.row) + 1} of its input: ${rowPreview(columns, error.row)})`
        : locatedMessage(place.path, error);
  }
  step.rows = out.slice(0, limit);
  step.rowsOut = out.length;
  step.rejected = rejected;
  // A processor that holds rows back folds them (aggregate, merge): its rows out are other rows.
  step.dropped = step.error || bound?.flush ? 0 : Math.max(0, rows.length - out.length - rejected.length);
  step.durationMs = elapsed(started);
  return { step, out };
}

/** What running a chain of steps shares: how components are made, the limit, what to close. */
interface ChainEnv {
  ctx: ComponentContext;
  limit: number;
  signal?: AbortSignal;
  specOf(place: PlacedComponent): ComponentSpec;
  configOf(place: PlacedComponent): Record<string, unknown>;
  /** The processors of a conditional's branches. */
  nested: PlacedComponent[];
  /** Processors created so far, closed at the end. */
  opened: Processor[];
}

/**
 * Runs processors in order over `rows` (or marks them not run once `stopped`), each handed what
 * the one before it passed on; a conditional is followed by its branches.
 */
async function runChain(
  places: PlacedComponent[],
  columns: Column[],
  rows: Row[],
  stopped: boolean,
  env: ChainEnv,
): Promise<StepSnapshot[]> {
  const steps: StepSnapshot[] = [];
  for (const place of places) {
    const conditional = place.component.type === CONDITIONAL;
    if (stopped || env.signal?.aborted) {
      steps.push(notRun(place));
      if (conditional) steps.push(...(await runBranches(place, columns, null, env)));
      continue;
    }
    let processor: Processor;
    try {
      processor = (env.specOf(place) as ProcessorSpec).create(env.configOf(place), env.ctx);
    } catch (error) {
      steps.push({ ...emptyStep(place), error: locatedMessage(place.path, error) });
      stopped = true;
      if (conditional) steps.push(...(await runBranches(place, columns, null, env)));
      continue;
    }
    env.opened.push(processor);
    let ways: Row[][] | null = null;
    const route = (bound: BoundProcessor, rows: Row[], ctx: ProcessContext) => {
      ways = (bound as BoundRouter).route(rows, ctx);
      return ways.flat();
    };
    const { step, out } = await runStep(
      place,
      processor,
      columns,
      rows,
      env.limit,
      conditional ? route : undefined,
    );
    steps.push(step);
    if (step.error) stopped = true;
    if (conditional) steps.push(...(await runBranches(place, step.columns, step.error ? null : ways, env)));
    columns = step.columns;
    rows = out;
  }
  return steps;
}

/** Each branch of a conditional as a step with the rows sent its way, then its processors; not run without `ways`. */
async function runBranches(
  conditional: PlacedComponent,
  columns: Column[],
  ways: Row[][] | null,
  env: ChainEnv,
): Promise<StepSnapshot[]> {
  const steps: StepSnapshot[] = [];
  const branches = branchSections(conditional.component, conditional.path);
  for (const [i, branch] of branches.entries()) {
    const place: PlacedComponent = { kind: 'processor', path: branch.path, component: { type: 'branch' } };
    const sent = ways?.[i] ?? [];
    const label = typeof branch.section.name === 'string' ? branch.section.name : branch.section.when;
    steps.push(
      ways
        ? {
            ...emptyStep(place),
            columns,
            rows: sent.slice(0, env.limit),
            rowsIn: sent.length,
            rowsOut: sent.length,
            ...(typeof label === 'string' ? { note: label } : {}),
          }
        : notRun(place, typeof label === 'string' ? label : undefined),
    );
    const processors = env.nested.filter((p) => p.branch === branch.path && p.kind === 'processor');
    steps.push(...(await runChain(processors, columns, sent, ways === null, env)));
  }
  return steps;
}

/**
 * Previews every step of a loaded (validated) config over the input's first `options.limit` rows:
 * the input is read in one lane and stopped there, each processor is created, opened, bound and
 * run in order, and closed at the end. A step that fails is reported with its place and the steps
 * after it are marked not run. Neither the output nor any dead-letter file is touched.
 */
export async function previewSteps(
  loaded: LoadedConfig,
  registry: SpecLookup,
  options: StepPreviewOptions,
): Promise<StepPreview> {
  const controller = new AbortController();
  const cancel = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', cancel, { once: true });
  const ctx: ComponentContext = {
    baseDir: loaded.baseDir,
    jobName: jobNameOf(loaded),
    logger: options.logger ?? silentLogger,
    signal: options.signal ?? new AbortController().signal,
  };
  const placed = placedComponents(loaded.config);
  const specOf = (place: PlacedComponent) => registry.get(place.kind, place.component.type) as ComponentSpec;
  const configOf = (place: PlacedComponent) => componentFields(specOf(place), place.component).config;
  const inputPlace = placed.find((p) => p.kind === 'input');
  if (!inputPlace) throw new Error('the config has no input');

  try {
    const input = await readFirstRows(
      specOf(inputPlace) as InputSpec,
      configOf(inputPlace),
      { ...ctx, signal: controller.signal },
      controller,
      options.limit,
      options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
    );
    const env: ChainEnv = {
      ctx,
      limit: options.limit,
      ...(options.signal ? { signal: options.signal } : {}),
      specOf,
      configOf,
      nested: branchComponents(loaded.config),
      opened: [],
    };
    try {
      const processors = placed.filter((p) => p.kind === 'processor');
      const steps = await runChain(processors, input.columns, input.rows, input.error !== undefined, env);
      return { input, steps };
    } finally {
      for (const processor of env.opened) await processor.close?.().catch(() => undefined);
    }
  } finally {
    options.signal?.removeEventListener('abort', cancel);
  }
}
