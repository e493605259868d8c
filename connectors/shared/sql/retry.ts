import { Type, type Static } from '@sinclair/typebox';
import type { Logger } from '../../../src-main/engine/component';

/*
 * Retrying a unit of work (one transaction of a SQL writer) after a transient failure: a
 * deadlock, a serialization failure, a dropped connection. Which errors are transient is the
 * caller's call (each database names them its own way); the waiting and counting live here.
 */

/** The `retry` field of a SQL output: how often and how patiently a failed transaction is redone. */
export const RetrySchema = Type.Object(
  {
    max_retries: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Retries after the first attempt (0: never retry).',
        default: 3,
      }),
    ),
    initial_delay: Type.Optional(
      Type.Number({ minimum: 0, description: 'Seconds to wait before the first retry.', default: 1 }),
    ),
    max_delay: Type.Optional(
      Type.Number({ minimum: 0, description: 'Longest wait between two attempts, in seconds.', default: 30 }),
    ),
    multiplier: Type.Optional(
      Type.Number({ minimum: 1, description: 'Factor by which each wait grows.', default: 2 }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Redo a transaction that failed for a transient reason (deadlock, lost connection), with exponential backoff.',
  },
);
export type RetryConfig = Static<typeof RetrySchema>;

/** A retry config with its defaults filled in; delays in seconds. */
export interface RetryPolicy {
  maxRetries: number;
  initialDelay: number;
  maxDelay: number;
  multiplier: number;
}

/** The policy a config stands for, defaults included (no config: 3 retries, 1 s, 2 s, 4 s). */
export function retryPolicy(config: RetryConfig | undefined): RetryPolicy {
  return {
    maxRetries: config?.max_retries ?? 3,
    initialDelay: config?.initial_delay ?? 1,
    maxDelay: config?.max_delay ?? 30,
    multiplier: config?.multiplier ?? 2,
  };
}

/** Seconds to wait before retry number `retry` (1 for the first): initial × multiplier^(retry−1), capped. */
export function retryDelay(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.initialDelay * policy.multiplier ** (retry - 1), policy.maxDelay);
}

/** Waits `ms`, rejecting with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What `onRetry` is told before each wait. */
export interface RetryEvent {
  /** The attempt about to start (2 for the first retry). */
  attempt: number;
  /** Attempts allowed in all (max_retries + 1). */
  attempts: number;
  /** The error that made the previous attempt fail. */
  error: unknown;
  /** Seconds it waits before the attempt. */
  delay: number;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** True when the error may go away on its own, so the operation is worth running again. */
  isTransient: (error: unknown) => boolean;
  /** Called before each wait (to log, to drop a broken connection). */
  onRetry?: (event: RetryEvent) => void | Promise<void>;
  /** Aborts the wait between attempts (and no new attempt starts once aborted). */
  signal?: AbortSignal;
  /** The wait, injectable so tests need not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Runs `operation` (given its attempt number, from 1), running it again while it fails with a
 * transient error, at most `policy.maxRetries` more times. A non-transient error is thrown at once,
 * as it is; the last transient one is thrown with how many attempts were made prepended.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  { policy, isTransient, onRetry, signal, sleep = abortableSleep }: RetryOptions,
): Promise<T> {
  const attempts = policy.maxRetries + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt >= attempts) {
        if (attempts === 1) throw error;
        throw new Error(`${messageOf(error)} (gave up after ${attempts} attempts)`, { cause: error });
      }
      const delay = retryDelay(policy, attempt);
      await onRetry?.({ attempt: attempt + 1, attempts, error, delay });
      signal?.throwIfAborted();
      await sleep(delay * 1000, signal);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error and its causes, outermost first (connectors wrap driver errors with `{ cause }`). */
export function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 10;) {
    chain.push(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return chain;
}

/** The warning a writer logs before redoing a transaction. */
export function logRetry(
  logger: Logger,
  what: string,
  { attempt, attempts, error, delay }: RetryEvent,
): void {
  logger.warn(
    `${what} failed; retrying in ${delay} s (attempt ${attempt} of ${attempts}): ${messageOf(error)}`,
    {
      attempt,
      attempts,
      delay,
      error: messageOf(error),
    },
  );
}
