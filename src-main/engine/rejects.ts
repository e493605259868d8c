import { formatCount } from '../../src-shared/text/count';
import type { Column, Row } from './batch';
import type { Logger } from './component';
import { rowObject, type DeadLetterSink } from './dead-letter';
import type { StatsAccumulator } from './stats';

/*
 * Rejected rows during a run: each goes to the dead-letter sink and counts as failed; past
 * `pipeline.error_limit` the run fails, saying how many and what the last one was. Rows a
 * processor skipped (`on_error: skip`) are counted and said in the run's notes.
 */

/** `pipeline.error_limit`: at most `rows` rejected rows, or at most `percent` % of the rows read. */
export type ErrorLimit = { rows: number } | { percent: number };

/**
 * No rejected row is tolerated unless the config says so: a copy that left rows behind must not
 * end `completed` (scripts read the exit code); the rows are still in the dead-letter file.
 */
export const DEFAULT_ERROR_LIMIT: ErrorLimit = { rows: 0 };

/** A percentage is judged only once this many rows were read (and at the end): one early bad row is not 100 %. */
export const PERCENT_MIN_ROWS = 1000;

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

/** `100` → 100 rows, `"1%"` → 1 percent; undefined for anything else (the config schema says what is allowed). */
export function parseErrorLimit(value: unknown): ErrorLimit | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? { rows: value } : undefined;
  if (typeof value !== 'string') return undefined;
  const match = PERCENT.exec(value.trim());
  const percent = match ? Number(match[1]) : NaN;
  return percent >= 0 && percent <= 100 ? { percent } : undefined;
}

export function formatErrorLimit(limit: ErrorLimit): string {
  return 'rows' in limit ? String(limit.rows) : `${limit.percent}%`;
}

/** The row, shortened for a message. */
export function rowPreview(columns: Column[], row: Row, max = 120): string {
  const text = JSON.stringify(rowObject(columns, row));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const rows = (n: number) => `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;

/** Sends rejected rows to the sink, counts them and enforces the error limit. Shared by all lanes. */
export class RejectTracker {
  private last: string | undefined;

  constructor(
    private readonly sink: DeadLetterSink,
    private readonly limit: ErrorLimit,
    private readonly stats: StatsAccumulator,
    private readonly logger: Logger,
    /** Said in the first warning, so a long run's log tells early where its bad rows go. */
    private readonly destination: string,
  ) {}

  /**
   * Keeps rows `place` refused, then throws when the limit is now exceeded (the rows are kept
   * first: a failed run still has every rejected row in the sink).
   */
  async reject(
    place: string,
    lane: number,
    columns: Column[],
    rejected: { row: Row; error: string }[],
  ): Promise<void> {
    if (rejected.length === 0) return;
    await this.sink.add({ place, lane, columns, rows: rejected });
    this.stats.addFailed(rejected.length);
    const { row, error } = rejected[rejected.length - 1];
    const first = this.last === undefined;
    this.last = `${place}: ${error} — row ${rowPreview(columns, row)}`;
    const message = `${place} rejected ${rows(rejected.length)} (last: ${error})`;
    if (first) this.logger.warn(`${message}; rejected rows go to ${this.destination}`, { lane });
    else this.logger.debug(message, { lane });
    this.check(false);
  }

  /** The check at the end of a run that completed: a percentage applies however few rows were read. */
  checkAtEnd(): void {
    this.check(true);
  }

  private check(atEnd: boolean): void {
    const failed = this.stats.recordsFailed;
    if (failed === 0) return;
    const limit = this.limit;
    const shown = formatErrorLimit(limit);
    if ('rows' in limit) {
      if (failed > limit.rows)
        throw new Error(`error_limit ${shown} exceeded: ${rows(failed)} rejected (last: ${this.last})`);
      return;
    }
    const read = this.stats.recordsRead;
    if (!atEnd && read < PERCENT_MIN_ROWS) return;
    if (failed * 100 > limit.percent * read)
      throw new Error(
        `error_limit ${shown} exceeded: ${rows(failed)} of ${formatCount(read)} read rejected (last: ${this.last})`,
      );
  }

  close(): Promise<string[]> {
    return this.sink.close();
  }
}

/**
 * Rows processors could not process and skipped (`on_error: skip`): said in the log at a
 * processor's first skipped row, and in the run's notes at the end (how many, and the last error).
 * Shared by all lanes.
 */
export class SkippedRows {
  private readonly byPlace = new Map<string, { count: number; last: string }>();

  constructor(private readonly logger: Logger) {}

  add(place: string, lane: number, skipped: { error: string }[]): void {
    if (skipped.length === 0) return;
    const last = skipped[skipped.length - 1].error;
    const seen = this.byPlace.get(place);
    const message = `${place} skipped ${rows(skipped.length)} it could not process (last: ${last})`;
    if (seen) {
      seen.count += skipped.length;
      seen.last = last;
      this.logger.debug(message, { lane });
    } else {
      this.byPlace.set(place, { count: skipped.length, last });
      this.logger.warn(`${message}; on_error: skip drops such rows`, { lane });
    }
  }

  /** One note per processor that skipped rows, in the order they first did. */
  notes(): string[] {
    return [...this.byPlace].map(
      ([place, { count, last }]) =>
        `${rows(count)} skipped by ${place} (on_error: skip), not written; last error: ${last}`,
    );
  }
}
