import { describe, expect, it } from 'vitest';
import { isTransientMysqlError, needsNewMysqlConnection } from './connection';

const withCode = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);
const wrapped = (cause: Error) => new Error(`cannot write to table "t": ${cause.message}`, { cause });

describe('transient error classification', () => {
  it('MySQL: retries deadlocks, lock waits and lost connections, not data errors', () => {
    for (const errno of [1213, 1205, 1040, 2006, 2013])
      expect(isTransientMysqlError(wrapped(withCode('x', { errno }))), String(errno)).toBe(true);
    for (const code of ['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE'])
      expect(isTransientMysqlError(withCode('x', { code })), code).toBe(true);
    expect(isTransientMysqlError(new Error("Can't add new command when connection is in closed state"))).toBe(
      true,
    );
    for (const errno of [1062, 1048, 1366, 1146, 1064])
      expect(isTransientMysqlError(wrapped(withCode('x', { errno }))), String(errno)).toBe(false);
    expect(needsNewMysqlConnection(withCode('x', { errno: 1213 }))).toBe(false);
    expect(needsNewMysqlConnection(withCode('x', { code: 'PROTOCOL_CONNECTION_LOST' }))).toBe(true);
  });
});
