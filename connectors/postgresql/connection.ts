import { Client, type ClientConfig } from 'pg';
import type { SqlConnection } from '../shared/sql/config';
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
