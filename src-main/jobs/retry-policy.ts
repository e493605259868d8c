import { parseDocument } from 'yaml';

/**
 * A job's `job.retry`, with its defaults: how many times a failed run is started again (each
 * resuming from the failed run's checkpoints) and how long to wait before each. The config was
 * validated when it was saved; a value of the wrong shape (a draft) reads as the default.
 */
export interface RetryPolicy {
  attempts: number;
  delaySeconds: number;
  maxDelaySeconds: number;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

const seconds = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;

export function retryPolicyOf(configYaml: string): RetryPolicy {
  const doc = parseDocument(configYaml);
  const retry = doc.errors.length > 0 ? {} : record(record(record(doc.toJS() as unknown).job).retry);
  return {
    attempts: Math.floor(seconds(retry.attempts, 0)),
    delaySeconds: seconds(retry.delay_seconds, 30),
    maxDelaySeconds: seconds(retry.max_delay_seconds, 900),
  };
}

/** Seconds to wait before retrying after failed attempt `attempt` (1 for the first run): doubling, capped. */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelaySeconds, policy.delaySeconds * 2 ** Math.max(0, attempt - 1));
}
