import { Type } from '@sinclair/typebox';
import type { Logger, SavedConnectionSpec } from '../../../src-main/engine/component';
import {
  ConflictSchema,
  connectionSchema,
  FetchSchema,
  PrePostSqlFields,
  SqlQuerySchema,
  sqlWriteSchema,
  type SqlConnection,
  type SqlWriteSettings,
} from './config';
import { RetrySchema, type RetryPolicy } from './retry';
import { IncrementalSchema } from './sql-input';

/*
 * What the connectors for database servers (postgresql, mysql) share beyond the SQL config
 * pieces: the same input and output config shapes, and the same writer options.
 */

/** Saved connections of a database server connector: the `connection` fields, the password a secret. */
export function serverSavedConnection(defaultPort: number): SavedConnectionSpec {
  const fields = connectionSchema(defaultPort);
  const schema = Type.Object(
    {
      ...fields.properties,
      password: Type.Optional(Type.String({ description: 'Password: stored encrypted, never shown again.' })),
    },
    { additionalProperties: false, description: fields.description },
  );
  return { schema, secretFields: ['password'], placement: 'connection' };
}

/** Config of a database server input: connection, query, incremental, fetch. */
export function serverInputSchema(defaultPort: number) {
  return Type.Object(
    {
      connection: connectionSchema(defaultPort),
      query: SqlQuerySchema,
      incremental: Type.Optional(IncrementalSchema),
      fetch: Type.Optional(FetchSchema),
    },
    { additionalProperties: false },
  );
}

/** Config of a database server output: connection, write, conflict, pre/post SQL, retry. */
export function serverOutputSchema(defaultPort: number, modes: [string, ...string[]]) {
  return Type.Object(
    {
      connection: connectionSchema(defaultPort),
      write: sqlWriteSchema(modes),
      conflict: Type.Optional(ConflictSchema),
      ...PrePostSqlFields,
      retry: Type.Optional(RetrySchema),
    },
    { additionalProperties: false },
  );
}

/** Everything a database server writer needs, resolved from the config. */
export interface ServerWriteOptions<M extends string> extends SqlWriteSettings<M> {
  connection: SqlConnection;
  /** How a transaction that failed for a transient reason is redone. */
  retry: RetryPolicy;
  logger: Logger;
  /** Cuts the wait between retries short when the run is cancelled. */
  signal?: AbortSignal;
}
