import { addTotals, NO_TOTALS, type RunTotals } from './run-deltas';

export const MINUTE_MS = 60_000;

/**
 * What runs moved per minute over the last `minutes`, added up as their progress comes in: the
 * live part of the dashboard's charts. Memory is one bucket per minute, whatever the runs.
 */
export class MinuteRing {
  private readonly buckets = new Map<number, RunTotals>();
  /** Executions whose progress went into the buckets, with when they were last seen. */
  private readonly watched = new Map<string, number>();

  constructor(readonly minutes = 60) {}

  /** Adds what one progress event of `executionId` added, at `at` (epoch ms). */
  add(executionId: string, at: number, delta: Readonly<RunTotals>): void {
    const minute = Math.floor(at / MINUTE_MS);
    let bucket = this.buckets.get(minute);
    if (!bucket) {
      bucket = { ...NO_TOTALS };
      this.buckets.set(minute, bucket);
      this.prune(minute);
    }
    addTotals(bucket, delta);
    this.watched.set(executionId, at);
  }

  /** Whether the buckets hold `executionId`'s rows (so the store's totals must not be added again). */
  watches(executionId: string): boolean {
    return this.watched.has(executionId);
  }

  /** The buckets of the last `minutes` minutes up to the one holding `now`, oldest first. */
  series(now: number): { startMinute: number; buckets: RunTotals[] } {
    const current = Math.floor(now / MINUTE_MS);
    const startMinute = current - this.minutes + 1;
    const buckets = Array.from({ length: this.minutes }, (_, i) => ({
      ...(this.buckets.get(startMinute + i) ?? NO_TOTALS),
    }));
    return { startMinute, buckets };
  }

  private prune(current: number): void {
    const oldest = current - this.minutes;
    for (const minute of this.buckets.keys()) if (minute < oldest) this.buckets.delete(minute);
    // A run seen in the window may still be shown; one seen before it no longer matters.
    for (const [id, seen] of this.watched)
      if (Math.floor(seen / MINUTE_MS) < oldest - this.minutes) this.watched.delete(id);
  }
}

/**
 * Spreads a run's totals evenly over its run time into minute buckets: how the store's runs
 * (ones this process did not watch) enter the charts.
 */
export function spreadOverMinutes(
  totals: Readonly<RunTotals>,
  startedAt: number,
  endedAt: number,
  series: { startMinute: number; buckets: RunTotals[] },
): void {
  const from = Math.min(startedAt, endedAt);
  const span = endedAt - from;
  const windowStart = series.startMinute * MINUTE_MS;
  const addPart = (i: number, part: number) => {
    const bucket = series.buckets[i];
    if (!bucket || part <= 0) return;
    bucket.read += totals.read * part;
    bucket.written += totals.written * part;
    bucket.failed += totals.failed * part;
    bucket.bytes += totals.bytes * part;
    bucket.batches += totals.batches * part;
    bucket.busy_ms += totals.busy_ms * part;
  };
  // A run of no measurable length lands whole in its minute.
  if (span < 1) return addPart(Math.floor((from - windowStart) / MINUTE_MS), 1);
  for (let i = 0; i < series.buckets.length; i++) {
    const bucketStart = windowStart + i * MINUTE_MS;
    const overlap = Math.min(endedAt, bucketStart + MINUTE_MS) - Math.max(from, bucketStart);
    addPart(i, overlap / span);
  }
}
