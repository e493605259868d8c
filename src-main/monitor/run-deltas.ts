import type { RunProgress } from '../../src-shared/api/model';

/** What a run has moved so far, as its progress reports it (running totals). */
export interface RunTotals {
  read: number;
  written: number;
  failed: number;
  bytes: number;
  /** Batches written, and the milliseconds the writers were busy with them. */
  batches: number;
  busy_ms: number;
}

export const NO_TOTALS: Readonly<RunTotals> = {
  read: 0,
  written: 0,
  failed: 0,
  bytes: 0,
  batches: 0,
  busy_ms: 0,
};

export function totalsOf(progress: RunProgress): RunTotals {
  return {
    read: progress.records_read,
    written: progress.records_written,
    failed: progress.records_failed,
    bytes: progress.bytes_read,
    batches: progress.stages?.write_batches ?? 0,
    busy_ms: progress.stages?.write_busy_ms ?? 0,
  };
}

export function addTotals(into: RunTotals, more: Readonly<RunTotals>): void {
  into.read += more.read;
  into.written += more.written;
  into.failed += more.failed;
  into.bytes += more.bytes;
  into.batches += more.batches;
  into.busy_ms += more.busy_ms;
}

/** Ended runs remembered, so that a late progress event of one is not counted again. */
const ENDED_REMEMBERED = 10_000;

/**
 * Turns the running totals each progress event carries into what the event added, so that a
 * run's rows are counted once however many events report them.
 */
export class RunDeltas {
  private readonly last = new Map<string, RunTotals>();
  private readonly ended = new Set<string>();

  /** What `totals` adds to the execution's previous report; null once the execution ended. */
  add(executionId: string, totals: RunTotals): RunTotals | null {
    if (this.ended.has(executionId)) return null;
    const before = this.last.get(executionId) ?? NO_TOTALS;
    this.last.set(executionId, totals);
    return {
      read: Math.max(0, totals.read - before.read),
      written: Math.max(0, totals.written - before.written),
      failed: Math.max(0, totals.failed - before.failed),
      bytes: Math.max(0, totals.bytes - before.bytes),
      batches: Math.max(0, totals.batches - before.batches),
      busy_ms: Math.max(0, totals.busy_ms - before.busy_ms),
    };
  }

  /** The execution ended: forget its totals, and ignore what comes for it later. */
  end(executionId: string): void {
    this.last.delete(executionId);
    this.ended.add(executionId);
    if (this.ended.size > ENDED_REMEMBERED) {
      const oldest = this.ended.values().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
  }

  hasEnded(executionId: string): boolean {
    return this.ended.has(executionId);
  }
}
