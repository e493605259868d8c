import { Client, type ClientConfig } from 'pg';
import type { SqlConnection } from '../shared/sql/config';
import { errorChain } from '../shared/sql/retry';
import { clientTypeParsers } from './types';

export const DEFAULT_PORT = 5432;

/** Where a connection goes, as messages name it: `127.0.0.1:5432 database "shop"`. */
export function describeTarget(connection: SqlConnection): string {
  return `${connection.host}:${connection.port ?? DEFAULT_PORT} database "${connection.database}"`;
}

/** The driver's configuration: `options` first so the schema's own fields win, and always our type parsers. */
export function clientConfig(connection: SqlConnection): ClientConfig {
  return {
    // pg waits for the OS TCP timeout by default (minutes) when a host does not answer.
    connectionTimeoutMillis: 10_000,
    ...connection.options,
    host: connection.host,
    port: connection.port ?? DEFAULT_PORT,
    database: connection.database,
    user: connection.username,
    password: connection.password,
    ssl: connection.ssl ?? false,
    types: clientTypeParsers,
  };
}

/** The server's words plus the detail, hint and COPY position it gives, when it gives them. */
export function pgErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const extra = error as Error & { detail?: string; hint?: string; where?: string };
  return [error.message, extra.detail, extra.hint, extra.where].filter(Boolean).join('; ');
}

/** A connected client; the error names host, port and database, as a user would check them. */
export async function connectPostgres(connection: SqlConnection): Promise<Client> {
  const client = new Client(clientConfig(connection));
  // A connection lost while idle is reported by the next query; unhandled, the event would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `cannot connect to PostgreSQL at ${describeTarget(connection)}: ${pgErrorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  return client;
}

/**
 * SQLSTATEs worth a retry: serialization_failure, deadlock_detected, too_many_connections,
 * admin_shutdown (what pg_terminate_backend sends), crash_shutdown, cannot_connect_now.
 * Connection exceptions (class 08) are matched by their prefix.
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '53300', '57P01', '57P02', '57P03']);
/** Of those, the ones after which the connection itself is still good. */
const SESSION_KEEPING_SQLSTATES = new Set(['40001', '40P01']);
const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED']);
/** What pg says when the socket dropped, or when a query is sent on a client whose connection dropped. */
const LOST_CONNECTION = /Connection terminated unexpectedly|is not queryable/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a failure that may pass on its own (a deadlock, a lost connection), anywhere in the cause chain. */
export function isTransientPgError(error: unknown): boolean {
  return errorChain(error).some((e) => {
    const code = codeOf(e);
    if (code && (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || SOCKET_CODES.has(code)))
      return true;
    return e instanceof Error && LOST_CONNECTION.test(e.message);
  });
}

/** True for a transient failure after which the connection must be replaced (all but a deadlock or serialization failure). */
export function needsNewPgConnection(error: unknown): boolean {
  return (
    isTransientPgError(error) &&
    !errorChain(error).some((e) => SESSION_KEEPING_SQLSTATES.has(codeOf(e) ?? ''))
  );
}

/**
 * True for a failure caused by the rows' values, so the rows to blame can be found and the rest
 * written: class 22 (data exception: value too long, out of range, invalid input syntax, bad
 * encoding) and class 23 (integrity constraint: NOT NULL, unique, foreign key, check, exclusion).
 * A transient error is never one, even inside a data error's chain (it is retried instead).
 */
export function isPgDataError(error: unknown): boolean {
  if (isTransientPgError(error)) return false;
  return errorChain(error).some((e) => {
    const code = codeOf(e);
    return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
  });
}

/** `COPY t, line 1, column qty: "…"`: the line is the row's place in its COPY, meaningless once it is alone. */
const COPY_LINE = /^COPY [^,]+, line \d+(, )?/;

/**
 * The server's message for one row's error: the message, detail and hint of the driver's error
 * (not what the writer wrapped around it), and the column from COPY's context.
 */
export function pgRowErrorMessage(error: unknown): string {
  const server = errorChain(error).find((e) => codeOf(e) !== undefined) ?? error;
  if (!(server instanceof Error)) return String(server);
  const extra = server as Error & { detail?: string; hint?: string; where?: string };
  const where = extra.where?.replace(COPY_LINE, '');
  return [server.message, extra.detail, extra.hint, where].filter(Boolean).join('; ');
}
