import { Type as T, type Static } from '@sinclair/typebox';

/*
 * Saved connections as the API shows them: the connection's fields without its secrets.
 * A secret (a password) goes in when a connection is created or changed and never comes back
 * out: `secrets_set` only says which secret fields hold a value.
 */

/** A saved connection, as every API response carries it (no secret values). */
export const Connection = T.Object({
  id: T.String(),
  /** What pipelines write as `connection: { ref: <name> }`. */
  name: T.String(),
  /** The connector it is for (`postgresql`, `mysql`, `sqlite`). */
  type: T.String(),
  description: T.String(),
  /** The connection's fields (host, port, database, username, options… or path), secrets left out. */
  config: T.Record(T.String(), T.Unknown()),
  /** Secret fields that hold a value (e.g. `["password"]`). */
  secrets_set: T.Array(T.String()),
  created_at: T.String(),
  updated_at: T.String(),
});
export type Connection = Static<typeof Connection>;

/** A connector that has saved connections, with the form its connections fill in. */
export const ConnectionType = T.Object({
  type: T.String(),
  title: T.String(),
  /** JSON Schema of a connection of this type (what `config` holds, secrets included). */
  schema: T.Unknown(),
  /** Fields of `schema` that are secrets: masked in forms, encrypted at rest, never returned. */
  secret_fields: T.Array(T.String()),
});
export type ConnectionType = Static<typeof ConnectionType>;

/** What testing a connection found out. */
export const ConnectionTestResult = T.Object({
  ok: T.Boolean(),
  /** The database's version and what the connection sees on success; the reason on failure. */
  message: T.String(),
  duration_ms: T.Number(),
});
export type ConnectionTestResult = Static<typeof ConnectionTestResult>;

/** A job that refers to a connection, for "in use by" lists and refusals. */
export const ConnectionUser = T.Object({ id: T.String(), name: T.String() });
export type ConnectionUser = Static<typeof ConnectionUser>;
