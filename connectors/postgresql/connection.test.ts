import { describe, expect, it } from 'vitest';
import { isTransientPgError, needsNewPgConnection } from './connection';

const withCode = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);
const wrapped = (cause: Error) => new Error(`cannot write to table "t": ${cause.message}`, { cause });

describe('transient error classification', () => {
  it('PostgreSQL: retries deadlocks, lost connections and overload, not data errors', () => {
    for (const code of [
      '40001',
      '40P01',
      '53300',
      '57P01',
      '08006',
      '08003',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
    ])
      expect(isTransientPgError(wrapped(withCode('x', { code }))), code).toBe(true);
    expect(isTransientPgError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isTransientPgError(new Error('Client has encountered a connection error and is not queryable')),
    ).toBe(true);
    for (const code of ['23505', '23502', '22P02', '42P01', '42601', undefined])
      expect(isTransientPgError(wrapped(withCode('x', { code }))), code).toBe(false);
    expect(needsNewPgConnection(withCode('x', { code: '40P01' }))).toBe(false);
    expect(needsNewPgConnection(withCode('x', { code: '57P01' }))).toBe(true);
  });
});
