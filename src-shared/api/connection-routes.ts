import { Type as T } from '@sinclair/typebox';
import { Connection, ConnectionTestResult, ConnectionType, ConnectionUser } from './connection-model';
import { route } from './route';

const ConnectionFields = {
  name: T.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.-]+$' }),
  description: T.Optional(T.String({ maxLength: 2000 })),
  /**
   * The connection's fields, secrets included. On update, a secret field left out keeps the
   * stored secret and an empty string clears it.
   */
  config: T.Record(T.String(), T.Unknown()),
};

/** Saved connections: what `connection: { ref: name }` in a pipeline points at. */
export const connectionRoutes = {
  listConnectionTypes: route({
    method: 'GET',
    path: '/connection-types',
    input: T.Object({}),
    output: T.Array(ConnectionType),
    summary: 'Connectors that have saved connections, with their connection form',
  }),
  listConnections: route({
    method: 'GET',
    path: '/connections',
    input: T.Object({}),
    output: T.Array(Connection),
    summary: 'List saved connections (never their secrets)',
  }),
  getConnection: route({
    method: 'GET',
    path: '/connections/:id',
    input: T.Object({ id: T.String({ minLength: 1 }) }),
    output: T.Composite([Connection, T.Object({ used_by: T.Array(ConnectionUser) })]),
    summary: 'One saved connection and the jobs that refer to it',
  }),
  createConnection: route({
    method: 'POST',
    path: '/connections',
    input: T.Object({ ...ConnectionFields, type: T.String({ minLength: 1 }) }),
    output: Connection,
    summary: 'Save a connection; its secrets are encrypted at rest',
  }),
  updateConnection: route({
    method: 'PUT',
    path: '/connections/:id',
    input: T.Object({
      id: T.String({ minLength: 1 }),
      name: T.Optional(ConnectionFields.name),
      description: ConnectionFields.description,
      config: T.Optional(ConnectionFields.config),
    }),
    output: Connection,
    summary: 'Change a saved connection (secrets left out are kept)',
  }),
  deleteConnection: route({
    method: 'DELETE',
    path: '/connections/:id',
    input: T.Object({ id: T.String({ minLength: 1 }) }),
    output: T.Object({ deleted: T.Boolean() }),
    summary: 'Delete a saved connection; refused while jobs refer to it',
  }),
  testConnection: route({
    method: 'POST',
    path: '/connections/test',
    input: T.Object({
      /** A saved connection to test as it is, or whose secrets fill in what `config` leaves out. */
      id: T.Optional(T.String({ minLength: 1 })),
      type: T.Optional(T.String({ minLength: 1 })),
      /** A connection being edited, tested before it is saved. */
      config: T.Optional(T.Record(T.String(), T.Unknown())),
    }),
    output: ConnectionTestResult,
    summary: 'Connect and report the server version, or why it failed',
  }),
} as const;
