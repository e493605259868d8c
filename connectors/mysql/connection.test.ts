import { describe, expect, it } from 'vitest';
import {
  ChangedValueError,
  isMysqlDataError,
  isTransientMysqlError,
  mysqlRowErrorMessage,
  needsNewMysqlConnection,
} from './connection';

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

describe('data error classification', () => {
  it('MySQL: constraint and value errors and refused rounding are the rows’ fault; the rest is not', () => {
    for (const errno of [1062, 1048, 1406, 1264, 1366, 1292, 1452, 4025, 3819])
      expect(isMysqlDataError(wrapped(withCode('x', { errno }))), String(errno)).toBe(true);
    expect(isMysqlDataError(wrapped(new ChangedValueError('a value does not fit its column as sent')))).toBe(
      true,
    );
    for (const errno of [1146, 1064, 1142, 1213, 2013])
      expect(isMysqlDataError(wrapped(withCode('x', { errno }))), String(errno)).toBe(false);
    expect(isMysqlDataError(withCode('x', { code: 'ECONNRESET', errno: -104 }))).toBe(false);
  });

  it('MySQL: a row’s message is the server’s, not the writer’s wrapping', () => {
    expect(mysqlRowErrorMessage(wrapped(withCode("Column 'name' cannot be null", { errno: 1048 })))).toBe(
      "Column 'name' cannot be null",
    );
  });
});
