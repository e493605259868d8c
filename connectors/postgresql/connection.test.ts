import { describe, expect, it } from 'vitest';
import { isPgDataError, isTransientPgError, needsNewPgConnection, pgRowErrorMessage } from './connection';

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

describe('data error classification', () => {
  it('PostgreSQL: classes 22 and 23 are the rows’ fault; missing tables, permissions, syntax and lost connections are not', () => {
    for (const code of ['23505', '23502', '23503', '23514', '22001', '22003', '22P02', '22021', '22007'])
      expect(isPgDataError(wrapped(withCode('x', { code }))), code).toBe(true);
    for (const code of ['42P01', '42501', '42601', '40P01', '57P01', '08006', 'ECONNRESET', undefined])
      expect(isPgDataError(wrapped(withCode('x', { code }))), code).toBe(false);
  });

  it('PostgreSQL: a row’s message is the server’s, with detail and the column, without the COPY line', () => {
    const server = withCode('value too long for type character varying(5)', {
      code: '22001',
      where: 'COPY t, line 1, column code: "abcdef"',
    });
    expect(pgRowErrorMessage(wrapped(server))).toBe(
      'value too long for type character varying(5); column code: "abcdef"',
    );
    const duplicate = withCode('duplicate key value violates unique constraint "t_pkey"', {
      code: '23505',
      detail: 'Key (id)=(1) already exists.',
      where: 'COPY t, line 3',
    });
    expect(pgRowErrorMessage(wrapped(duplicate))).toBe(
      'duplicate key value violates unique constraint "t_pkey"; Key (id)=(1) already exists.',
    );
  });
});
