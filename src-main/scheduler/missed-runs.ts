import { Cron } from 'croner';

/*
 * Runs a schedule missed while the studio was closed: the fire times after the schedule last
 * fired (or was armed) and before now. The job's `job.missed` policy says what happens to them.
 */

export interface MissedFires {
  /** How many fire times passed; at most the cap it was counted to. */
  count: number;
  /** True when there were more than `count` (counting stopped at the cap). */
  capped: boolean;
  first: Date;
  last: Date;
}

/** Counting stops here: a seconds schedule closed for a week would otherwise count 600,000 times. */
export const MISSED_COUNT_CAP = 1000;

/** The schedule's fire times in (`since`, `now`], counted up to `cap`; undefined when there were none. */
export function missedFires(
  schedule: string,
  timezone: string | null,
  since: Date,
  now: Date,
  cap = MISSED_COUNT_CAP,
): MissedFires | undefined {
  const cron = new Cron(schedule, { paused: true, ...(timezone ? { timezone } : {}) });
  let first: Date | undefined;
  let last: Date | undefined;
  let count = 0;
  let from = since;
  while (count < cap) {
    const next = cron.nextRun(from);
    if (!next || next.getTime() > now.getTime()) break;
    first ??= next;
    last = next;
    count++;
    from = next;
  }
  if (!first || !last) return undefined;
  const capped = count >= cap && (cron.nextRun(last)?.getTime() ?? Infinity) <= now.getTime();
  return { count, capped, first, last };
}

/** What the run (or the log line) says about missed runs: `missed 3 runs since 2026-01-05T02:00:00.000Z`. */
export function missedDetail(missed: MissedFires): string {
  const count = missed.capped ? `more than ${missed.count}` : String(missed.count);
  const runs = missed.count === 1 && !missed.capped ? 'run' : 'runs';
  return `missed ${count} ${runs} since ${missed.first.toISOString()}`;
}
