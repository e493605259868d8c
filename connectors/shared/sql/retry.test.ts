import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src-main/engine/component';
import {
  abortableSleep,
  logRetry,
  retryDelay,
  retryPolicy,
  RetrySchema,
  withRetry,
  type RetryEvent,
} from './retry';

const transient = Object.assign(new Error('deadlock'), { transient: true });
const isTransient = (e: unknown) => (e as { transient?: boolean }).transient === true;

/** A fake clock: records the waits instead of waiting. */
function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** An operation failing with `errors` in turn, then resolving with the attempt number. */
function failing(...errors: Error[]) {
  const calls: number[] = [];
  return {
    calls,
    operation: async (attempt: number) => {
      calls.push(attempt);
      const error = errors[calls.length - 1];
      if (error) throw error;
      return attempt;
    },
  };
}

describe('retry policy', () => {
  it('fills in defaults and validates the config', () => {
    expect(retryPolicy(undefined)).toEqual({ maxRetries: 3, initialDelay: 1, maxDelay: 30, multiplier: 2 });
    expect(retryPolicy({ max_retries: 0, initial_delay: 0.01 })).toEqual({
      maxRetries: 0,
      initialDelay: 0.01,
      maxDelay: 30,
      multiplier: 2,
    });
    expect(
      Value.Check(RetrySchema, { max_retries: 5, initial_delay: 0.5, max_delay: 10, multiplier: 3 }),
    ).toBe(true);
    expect(Value.Check(RetrySchema, { max_retries: -1 })).toBe(false);
    expect(Value.Check(RetrySchema, { max_retries: 1.5 })).toBe(false);
    expect(Value.Check(RetrySchema, { multiplier: 0.5 })).toBe(false);
    expect(Value.Check(RetrySchema, { retries: 3 })).toBe(false);
  });

  it('grows the delay by the multiplier up to max_delay', () => {
    const policy = retryPolicy({ initial_delay: 1, multiplier: 2, max_delay: 5 });
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(policy, n))).toEqual([1, 2, 4, 5, 5]);
  });
});

describe('withRetry', () => {
  it('returns at once when the operation succeeds', async () => {
    const { waits, sleep } = fakeSleep();
    const { operation, calls } = failing();
    await expect(withRetry(operation, { policy: retryPolicy(undefined), isTransient, sleep })).resolves.toBe(
      1,
    );
    expect(calls).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('retries transient errors with exponential backoff, telling onRetry each time', async () => {
    const { waits, sleep } = fakeSleep();
    const events: RetryEvent[] = [];
    const { operation, calls } = failing(transient, transient, transient);
    const result = await withRetry(operation, {
      policy: retryPolicy({ initial_delay: 0.5, multiplier: 3, max_delay: 2 }),
      isTransient,
      sleep,
      onRetry: (event) => void events.push(event),
    });
    expect(result).toBe(4);
    expect(calls).toEqual([1, 2, 3, 4]);
    expect(waits).toEqual([500, 1500, 2000]);
    expect(events.map(({ attempt, attempts, delay }) => [attempt, attempts, delay])).toEqual([
      [2, 4, 0.5],
      [3, 4, 1.5],
      [4, 4, 2],
    ]);
    expect(events[0].error).toBe(transient);
  });

  it('gives up after max_retries, saying how many attempts were made', async () => {
    const { waits, sleep } = fakeSleep();
    const { operation, calls } = failing(transient, transient, transient);
    const failure = withRetry(operation, { policy: retryPolicy({ max_retries: 2 }), isTransient, sleep });
    await expect(failure).rejects.toThrow('deadlock (gave up after 3 attempts)');
    await expect(failure).rejects.toHaveProperty('cause', transient);
    expect(calls).toEqual([1, 2, 3]);
    expect(waits).toEqual([1000, 2000]);
  });

  it('throws other errors at once, as they are', async () => {
    const { waits, sleep } = fakeSleep();
    const data = new Error('duplicate key');
    const { operation, calls } = failing(transient, data);
    await expect(withRetry(operation, { policy: retryPolicy(undefined), isTransient, sleep })).rejects.toBe(
      data,
    );
    expect(calls).toEqual([1, 2]);
    expect(waits).toEqual([1000]);
  });

  it('with max_retries 0 throws the first error unchanged', async () => {
    const { operation } = failing(transient);
    await expect(
      withRetry(operation, {
        policy: retryPolicy({ max_retries: 0 }),
        isTransient,
        sleep: fakeSleep().sleep,
      }),
    ).rejects.toBe(transient);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const { operation, calls } = failing(transient, transient);
    const failure = withRetry(operation, {
      policy: retryPolicy({ initial_delay: 60 }),
      isTransient,
      signal: controller.signal,
      onRetry: () => void setTimeout(() => controller.abort(new Error('cancelled')), 5),
    });
    await expect(failure).rejects.toThrow('cancelled');
    expect(calls).toEqual([1]);
    await expect(abortableSleep(10_000, controller.signal)).rejects.toThrow('cancelled');
  });

  it('logs a retry as a warning with the attempt and the error', () => {
    const warnings: [string, Record<string, unknown> | undefined][] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      error() {},
      warn: (msg, data) => void warnings.push([msg, data]),
    };
    logRetry(logger, 'writing to table "t"', { attempt: 2, attempts: 4, delay: 1, error: transient });
    expect(warnings).toEqual([
      [
        'writing to table "t" failed; retrying in 1 s (attempt 2 of 4): deadlock',
        { attempt: 2, attempts: 4, delay: 1, error: 'deadlock' },
      ],
    ]);
  });
});
