import { Cron } from 'croner';

/*
 * `job.schedule` (cron, 5 or 6 fields, croner's syntax) and `job.timezone` (IANA, default the
 * machine's): checked by validation, previewed in the studio as the next run times.
 */

/** Whether `name` is an IANA time zone this runtime knows (`Asia/Shanghai`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why the cron expression is not one, or undefined when it is. */
export function cronProblem(schedule: string): string | undefined {
  try {
    new Cron(schedule, { paused: true });
    return undefined;
  } catch (error) {
    // croner says `CronPattern: Invalid value for minute: 61`: the part after the prefix is ours to show.
    const message = error instanceof Error ? error.message : String(error);
    return `not a cron expression: ${message.replace(/^CronPattern:\s*/, '')}`;
  }
}

/** The next `count` run times of a valid schedule in a time zone (default the machine's), after `from`. */
export function nextRuns(schedule: string, timezone?: string, count = 5, from = new Date()): Date[] {
  const cron = new Cron(schedule, { paused: true, ...(timezone ? { timezone } : {}) });
  return cron.nextRuns(count, from);
}
