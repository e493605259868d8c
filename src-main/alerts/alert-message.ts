import type { AlertCondition } from '../../src-shared/api/alert-model';
import type { FiringCause } from './alert-evaluator';

/*
 * What an alert says, in one line a person can act on: which job, what happened, the figures.
 * The text is English, like the app log and webhook payloads that carry it.
 */

function figure(value: number): string {
  return Number.isInteger(value)
    ? value.toLocaleString('en')
    : value.toLocaleString('en', { maximumFractionDigits: 1 });
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n')[0].trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The alert's message for a firing by a run. */
export function firingMessage(jobName: string, cause: FiringCause): string {
  const job = `Job "${jobName}"`;
  switch (cause.kind) {
    case 'job_failed':
      return cause.error ? `${job} failed: ${firstLine(cause.error)}` : `${job} failed`;
    case 'error_rate_above':
      return `${job}: ${figure(cause.percent)} % of rows failed (${figure(cause.failed)} of ${figure(cause.read)} read), above the ${figure(cause.limit)} % limit`;
    case 'throughput_below':
      return `${job} has moved fewer than ${figure(cause.limit)} rows/s for ${figure(cause.minutes)} minutes (now ${figure(cause.rows_per_second)} rows/s)`;
    case 'run_longer_than':
      return `${job} has been running for ${figure(cause.minutes)} minutes, longer than the ${figure(cause.limit)} minute limit`;
  }
}

/** A rule's condition in words (`a run fails`, `throughput below 100 rows/s for 5 minutes`). */
export function conditionText(condition: AlertCondition): string {
  switch (condition.kind) {
    case 'job_failed':
      return 'a run fails';
    case 'error_rate_above':
      return `more than ${figure(condition.percent)} % of a run's rows fail`;
    case 'throughput_below':
      return `a run moves fewer than ${figure(condition.rows_per_second)} rows/s for ${figure(condition.minutes)} minutes`;
    case 'run_longer_than':
      return `a run takes longer than ${figure(condition.minutes)} minutes`;
  }
}

/** The message of a test firing: says it is a test and what a real one would be about. */
export function testMessage(ruleName: string, condition: AlertCondition, jobName: string | null): string {
  const scope = jobName ? `job "${jobName}"` : 'any job';
  return `Test of alert rule "${ruleName}": it fires when ${conditionText(condition)} (${scope}).`;
}

/** The headline of an alert (a notification's title). */
export function firingTitle(ruleName: string, test: boolean): string {
  return test ? `FustGo alert test: ${ruleName}` : `FustGo alert: ${ruleName}`;
}
