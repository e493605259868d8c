import type { Static, TSchema } from '@sinclair/typebox';
import type { Introspector } from '../../connectors/shared/sql/introspection';
import type { Batch, Checkpoint, Column, ResumePoint, Row } from './batch';

/**
 * The contract between the engine and every component (connector or processor).
 * A component is a spec (metadata + JSON Schema) plus a factory; the engine owns the
 * lanes, channels, statistics and checkpoints, so a component only reads, transforms or writes.
 */

export type ComponentKind = 'input' | 'processor' | 'output';
export type ComponentStatus = 'stable' | 'beta' | 'experimental';

/** The logger components receive (a subset of pino's, so tests can pass a plain object). */
export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

/** A logger that drops everything: for validation, and for runs nobody listens to. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What a component is given when it is created for a run (or for validation). */
export interface ComponentContext {
  /** Folder of the pipeline file: relative paths in a config resolve against it. */
  baseDir: string;
  jobName: string;
  logger: Logger;
  /** Aborted when the run is cancelled; long waits should listen to it. */
  signal: AbortSignal;
  /** The watermark the job's last completed run stored, for inputs that read incrementally. */
  watermark?: string;
}

export interface LanePlan {
  /** Lanes the input will feed (at most the requested `pipeline.channels`). */
  lanes: number;
  /** Why fewer lanes than requested, said to the user (e.g. "files are read in one lane"). */
  note?: string;
}

/**
 * One of the streams an input reads when it reads several (each table of a whole-database copy),
 * as `Input.streams` describes it and `Output.prepareStreams` receives it.
 */
export interface StreamDescription {
  /** What the stream's batches carry as `Batch.table` (`shop.orders`, `public.orders`, `orders`). */
  name: string;
  /**
   * The columns of its rows. From the input: the columns it reads; handed to the output: the
   * columns after the processor chain, i.e. what the output will be given.
   */
  columns: Column[];
  /**
   * The source's own description of the stream, opaque to the engine, for outputs that know the
   * input's kind (the SQL inputs give a `TableSchema`: keys, indexes, foreign keys, defaults).
   */
  schema?: unknown;
}

export interface Input {
  plan(requestedLanes: number): Promise<LanePlan>;
  /**
   * For an input that reads several streams (tables): what they are, once `plan` ran. The run
   * hands them to `Output.prepareStreams` before any lane starts, and counts rows per stream.
   */
  streams?(): Promise<StreamDescription[]>;
  /**
   * For an input that can continue where an earlier run of the same config stopped: plans exactly
   * `point.lanes` lanes (instead of `plan`), each reading only what comes after its position.
   * Throws when the positions do not fit (they came from another config); the run then says so.
   * Absent: a resumed run reads from the start.
   */
  resume?(point: ResumePoint): Promise<LanePlan>;
  /**
   * The position each planned lane starts from, reported as the lane's first checkpoint, so that a
   * run that dies before a lane's first batch is written still resumes with the same lanes.
   */
  startPositions?(): (Checkpoint | undefined)[];
  /** Streams lane `lane` of `lanes`; must stop promptly when `signal` aborts. */
  read(lane: number, lanes: number, signal: AbortSignal): AsyncIterable<Batch>;
  /** Total rows the run will read, when cheaply known (enables progress and ETA). */
  estimateTotal?(): Promise<number | undefined>;
  /**
   * For incremental inputs: the watermark to store once the run completed (every write committed),
   * handed back as `ComponentContext.watermark` to the job's next run.
   */
  watermark?(): string | undefined;
  close?(): Promise<void>;
}

/** What a processor is handed with each batch. */
export interface ProcessContext {
  /**
   * Hands over a row the processor could not process (a bad cast, bad JSON, a function error):
   * the runtime applies the processor's `on_error` (fail the run, skip the row, or dead-letter it
   * with the error and the processor's path). The processor leaves the row out of what it returns.
   */
  reject(row: Row, error: unknown): void;
}

/** A context whose `reject` throws the row's error: `on_error: fail`, and tests. */
export const failOnReject: ProcessContext = {
  reject(_row, error) {
    throw error;
  },
};

/** A processor compiled against one input shape. */
export interface BoundProcessor {
  /** Columns of the rows `process` returns. */
  columns: Column[];
  process(rows: Row[], ctx: ProcessContext): Row[];
  /**
   * For processors that hold rows back (aggregate, windows, merge): called once when the lane's
   * input ended, returning the rows still held.
   */
  flush?(ctx: ProcessContext): Row[];
  /**
   * For processors that look values up elsewhere (enrichment from a database or an HTTP API):
   * awaited with each batch before `process` is handed the same rows, to fetch what they need,
   * so that `process` itself stays synchronous.
   */
  prepare?(rows: Row[]): Promise<void>;
}

export interface Processor {
  /**
   * Compile against the columns of incoming batches, once per shape (never per row).
   * Throws `FieldError` when the config names something the columns do not have.
   */
  bind(columns: Column[]): BoundProcessor;
  /**
   * Set by a processor whose result needs every row of the input in one place (aggregate, merge,
   * deduplicate): bound processors keep their state per lane, so the run then uses one lane
   * whatever `pipeline.channels` says, and says why in its notes.
   */
  oneLaneReason?: string;
  /**
   * Called once by a run before any row moves (never by validation, which only binds): connect to
   * what the processor needs (a lookup database) and learn what `bind` needs (the lookup's types).
   */
  open?(): Promise<void>;
  /** Called once when a run ends, however it ended, for a processor whose `open` was called. */
  close?(): Promise<void>;
}

/** A row an output refused for its data (a constraint, a value that does not fit), with the database's reason. */
export interface RejectedRow {
  /** Index into the written batch's `rows`. */
  index: number;
  error: string;
}

/** What `Output.write` may report besides success: rows it refused, while every other row was written. */
export interface WriteResult {
  rejected: RejectedRow[];
}

export interface Output {
  /**
   * Called once before the lanes start when the input reads several streams (`Input.streams`),
   * with the columns each will carry after the processors: the output creates what it needs up
   * front (every target table, in dependency order). Throwing fails the run before a row moves.
   * An output without it takes one stream only; the run refuses a multi-stream input for it.
   */
  prepareStreams?(streams: StreamDescription[]): Promise<void>;
  /**
   * Resolves once the batch is durably written: that is the acknowledgement checkpoints wait for.
   * An output that can tell bad rows from a bad target resolves with the rows it refused (every
   * other row written); the run sends them to its dead-letter file. Throwing fails the run.
   */
  write(batch: Batch, lane: number): Promise<void | WriteResult>;
  /**
   * Called once after every lane finished (with the error when the run failed): flush and release.
   * May resolve with a note on where the data ended up when the counts alone do not say it,
   * e.g. that a failed run left the target file as it was; each line of it is a note of its own
   * (one per table, say).
   */
  close(error?: Error): Promise<string | void>;
}

/**
 * An error about one field of a component's config, e.g. `new FieldError('condition', 'unknown column "qtty"')`.
 * The config loader turns the relative path into `pipeline.processors[1].condition` and a file position.
 */
export class FieldError extends Error {
  constructor(
    /** Path inside the component's config, dot/bracket notation (`fields.order_id`, `columns[2].name`). */
    readonly path: string,
    message: string,
    /** 1-based character inside the field's text where the problem is (e.g. in an expression). */
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

interface SpecBase<S extends TSchema> {
  /** snake_case, unique per kind; what `type:` names in YAML. */
  name: string;
  /** Grouping in the palette and `fustgo plugins` (e.g. "database", "file", "transform", "testing"). */
  category: string;
  title: string;
  description: string;
  status: ComponentStatus;
  /** JSON Schema of the component's fields, without `type` (validation, editor completion, forms, docs). */
  schema: S;
  examples?: { title: string; config: Record<string, unknown> }[];
  /** Reads the catalog of the database the config points at (`fustgo inspect`); database components only. */
  introspect?(config: Static<S>, ctx: ComponentContext): Introspector;
  /** The connector's saved connections (`connection: { ref: name }`), for components that connect to something. */
  savedConnection?: SavedConnectionSpec;
  /** How the database reads the conditions a `filter` right after this input may push into its query. */
  filterDialect?: FilterDialect;
}

/**
 * What pushing a filter's conditions into a source query must know of the database's SQL. A
 * pushed condition only narrows what is read: the filter still runs on every row, so a condition
 * may be pushed where the database keeps at least the rows the filter keeps.
 */
export interface FilterDialect {
  quoteIdent(name: string): string;
  /** `=` on text compares exactly (PostgreSQL, SQLite); MySQL's usual collations ignore case, so `<>` and NOT IN cannot go there. */
  exactTextEquality: boolean;
  /** LIKE is case-sensitive as ours is (PostgreSQL); elsewhere only LIKE, not NOT LIKE, is pushed. */
  caseSensitiveLike: boolean;
  /** Backslashes in string literals are escapes (MySQL): literals holding one are not pushed. */
  backslashEscapes: boolean;
  /** Decimal columns compare exactly (PostgreSQL, MySQL); SQLite keeps them as floating point. */
  exactDecimals: boolean;
}

/**
 * What a saved connection of a connector holds and where it goes in a component's config. The
 * input and output of one connector share it: a saved `postgresql` connection serves both.
 */
export interface SavedConnectionSpec {
  /** JSON Schema of a saved connection's fields (the connection form). */
  schema: TSchema;
  /** Fields that are secrets: encrypted at rest, masked in forms, never returned by the API. */
  secretFields: string[];
  /**
   * `connection`: the saved fields become the config's `connection` (fields written beside `ref`
   * override them); `root`: they are fields of the config itself (sqlite's `path`).
   */
  placement: 'connection' | 'root';
}

export interface InputSpec<S extends TSchema = TSchema> extends SpecBase<S> {
  kind: 'input';
  /** Columns known from the config alone, so processors can be checked by `fustgo validate`. */
  staticColumns?(config: Static<S>): Column[] | undefined;
  create(config: Static<S>, ctx: ComponentContext): Input | Promise<Input>;
}

export interface ProcessorSpec<S extends TSchema = TSchema> extends SpecBase<S> {
  kind: 'processor';
  create(config: Static<S>, ctx: ComponentContext): Processor;
}

export interface OutputSpec<S extends TSchema = TSchema> extends SpecBase<S> {
  kind: 'output';
  create(config: Static<S>, ctx: ComponentContext): Output | Promise<Output>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a heterogeneous list of specs; each is checked where defined
export type ComponentSpec = InputSpec<any> | ProcessorSpec<any> | OutputSpec<any>;

export function defineInput<S extends TSchema>(spec: Omit<InputSpec<S>, 'kind'>): InputSpec<S> {
  return { ...spec, kind: 'input' };
}

export function defineProcessor<S extends TSchema>(spec: Omit<ProcessorSpec<S>, 'kind'>): ProcessorSpec<S> {
  return { ...spec, kind: 'processor' };
}

export function defineOutput<S extends TSchema>(spec: Omit<OutputSpec<S>, 'kind'>): OutputSpec<S> {
  return { ...spec, kind: 'output' };
}
