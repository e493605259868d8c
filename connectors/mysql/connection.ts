import { createConnection, type Connection, type ConnectionOptions } from 'mysql2';
import type { SqlConnection } from '../shared/sql/config';
import { errorChain } from '../shared/sql/retry';

/** Default port of MySQL and MariaDB. */
export const MYSQL_PORT = 3306;

/** Where a connection points, as messages name it: `127.0.0.1:3306 database "shop"`. */
export function describeTarget(config: SqlConnection): string {
  return `${config.host}:${config.port ?? MYSQL_PORT} database "${config.database}"`;
}

/** The driver's message for a failure, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens one connection and prepares its session. Every connection works in UTC, so TIMESTAMP
 * values and the DATETIME text we write mean the same instant whatever the server's zone; and with
 * backslash escapes on, which the driver's string escaping relies on.
 */
export async function connectMysql(config: SqlConnection): Promise<Connection> {
  const options: ConnectionOptions = {
    host: config.host,
    port: config.port ?? MYSQL_PORT,
    database: config.database,
    user: config.username,
    password: config.password,
    ssl: config.ssl ? {} : undefined,
    // Text arrives as UTF-8 whatever the column's charset; 4-byte characters (emoji) included.
    charset: 'UTF8MB4_UNICODE_CI',
    // Statements are built with escape(), never with ? placeholders: the driver's default
    // formatting scans every statement for them (a 5000-row INSERT too), which cost more than
    // building it. Values passed anyway would be silently dropped, so they are refused.
    queryFormat: (sql: string, values: unknown) => {
      if (Array.isArray(values) ? values.length > 0 : values !== undefined)
        throw new Error('placeholder values are not supported: build the statement with escape()');
      return sql;
    },
    ...config.options,
  };
  const connection = createConnection(options);
  try {
    await new Promise<void>((resolve, reject) =>
      connection.connect((err) => (err ? reject(err) : resolve())),
    );
    await runSql(
      connection,
      "SET time_zone = '+00:00', sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
    );
  } catch (error) {
    connection.destroy();
    throw new Error(`cannot connect to MySQL at ${describeTarget(config)}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  // A fatal error while no query is running (the server went away) is emitted on the connection;
  // the next query reports it, so this listener only keeps it from crashing the process.
  connection.on('error', () => undefined);
  return connection;
}

/** Runs one statement; resolves with the driver's result (rows as arrays for a SELECT). */
export function runSql(connection: Connection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, rowsAsArray: true }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** The first value of the first row of a SELECT, or undefined when there is no row. */
export async function selectValue(connection: Connection, sql: string): Promise<unknown> {
  const rows = (await runSql(connection, sql)) as unknown[][];
  return rows[0]?.[0];
}

/** Ends a connection politely, or cuts it when the server does not answer (it is being released anyway). */
export async function endConnection(connection: Connection): Promise<void> {
  await new Promise<void>((resolve) =>
    connection.end((err) => {
      if (err) connection.destroy();
      resolve();
    }),
  );
}

/**
 * Stops the server thread of a connection that was dropped mid-query: closing the socket alone
 * does not stop a query still computing (a long sort, a slow join) until it tries to send. Best
 * effort, on a connection of its own.
 */
export async function killConnection(config: SqlConnection, threadId: number): Promise<void> {
  try {
    const killer = await connectMysql(config);
    try {
      await runSql(killer, `KILL CONNECTION ${Number(threadId)}`);
    } finally {
      killer.destroy();
    }
  } catch {
    // Already gone, or not allowed: then the server ends the thread when the query next sends.
  }
}

/**
 * Server errors worth a retry: deadlock (1213), lock wait timeout (1205), too many connections
 * (1040), server gone away / lost connection (2006, 2013), connection killed (MariaDB 1927) and
 * closed for inactivity (MySQL 4031).
 */
const TRANSIENT_ERRNOS = new Set([1213, 1205, 1040, 2006, 2013, 1927, 4031]);
/** Of those, the ones after which the connection itself is still good. */
const SESSION_KEEPING_ERRNOS = new Set([1213, 1205]);
const TRANSIENT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
]);
/** What mysql2 says when a statement is sent on a connection that was lost while idle. */
const CLOSED_STATE = "Can't add new command when connection is in closed state";

/** True for a failure that may pass on its own (a deadlock, a lost connection), anywhere in the cause chain. */
export function isTransientMysqlError(error: unknown): boolean {
  return errorChain(error).some((e) => {
    const { errno, code } = (e ?? {}) as { errno?: unknown; code?: unknown };
    if (typeof errno === 'number' && TRANSIENT_ERRNOS.has(errno)) return true;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    return e instanceof Error && e.message === CLOSED_STATE;
  });
}

/** True for a transient failure after which the connection must be replaced (all but a deadlock or lock wait timeout). */
export function needsNewMysqlConnection(error: unknown): boolean {
  return (
    isTransientMysqlError(error) &&
    !errorChain(error).some((e) => SESSION_KEEPING_ERRNOS.has((e as { errno?: number }).errno ?? 0))
  );
}

/**
 * The writer's own refusal of a row whose value the server would store changed (it rounds a
 * 31st decimal with only a warning, even in strict mode): a data error like the server's.
 */
export class ChangedValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChangedValueError';
  }
}

/**
 * Server errors caused by the rows' values, so the rows to blame can be found and the rest
 * written: NOT NULL (1048), duplicate key (1062, 1586, 1557), out of range (1264, 1690), data
 * truncated or too long (1265, 1406), bad date, number or string (1292, 1366, 1367, 1411), invalid
 * character for the charset (1300), no default for a missing value (1364), foreign key (1451,
 * 1452), invalid JSON (3140), CHECK constraint (MySQL 3819, MariaDB 4025).
 */
const DATA_ERRNOS = new Set([
  1048, 1062, 1264, 1265, 1292, 1300, 1364, 1366, 1367, 1406, 1411, 1451, 1452, 1557, 1586, 1690, 3140, 3819,
  4025,
]);

function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null | undefined)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/** True for a failure caused by the rows' values (see DATA_ERRNOS), anywhere in the cause chain; never a transient one. */
export function isMysqlDataError(error: unknown): boolean {
  if (isTransientMysqlError(error)) return false;
  return errorChain(error).some((e) => e instanceof ChangedValueError || DATA_ERRNOS.has(errnoOf(e) ?? 0));
}

/** The server's message for one row's error (or the writer's own refusal), without what the writer wrapped around it. */
export function mysqlRowErrorMessage(error: unknown): string {
  const own = errorChain(error).find((e) => e instanceof ChangedValueError || errnoOf(e) !== undefined);
  return errorMessage(own ?? error);
}
