import { Type as T } from '@sinclair/typebox';
import {
  CatalogConnection,
  CatalogDatabase,
  CatalogSearchHit,
  CatalogSettings,
  CatalogTable,
  CatalogTableDetail,
  ScanLevel,
  ScanLog,
  ScanMode,
} from './catalog-model';
import { route } from './route';

const ConnectionId = T.String({ minLength: 1 });
const IncludeRemoved = T.Optional(
  T.Boolean({ description: 'Also list what the last scans no longer found (marked removed).' }),
);

/** The metadata catalog: scans of saved connections and what they found. */
export const catalogRoutes = {
  startCatalogScan: route({
    method: 'POST',
    path: '/catalog/scans',
    input: T.Object({
      connection_id: ConnectionId,
      /** Default `incremental`: only tables the database says changed since the last scan are read again. */
      mode: T.Optional(ScanMode),
      /** Default 3: columns, keys and indexes too. */
      level: T.Optional(ScanLevel),
    }),
    output: ScanLog,
    summary: 'Scan a saved connection into the catalog in the background (the running scan, if there is one)',
  }),
  listCatalogScans: route({
    method: 'GET',
    path: '/catalog/scans',
    input: T.Object({
      connection_id: T.Optional(ConnectionId),
      limit: T.Optional(T.Integer({ minimum: 1, maximum: 500 })),
    }),
    output: T.Array(ScanLog),
    summary: 'Scan history, newest first',
  }),
  getCatalogScan: route({
    method: 'GET',
    path: '/catalog/scans/:id',
    input: T.Object({ id: T.String({ minLength: 1 }) }),
    output: ScanLog,
    summary: 'One scan with what it changed',
  }),
  listCatalogConnections: route({
    method: 'GET',
    path: '/catalog/connections',
    input: T.Object({}),
    output: T.Array(CatalogConnection),
    summary: 'Saved connections with what the catalog holds of each and its latest scan',
  }),
  listCatalogDatabases: route({
    method: 'GET',
    path: '/catalog/connections/:connection_id/databases',
    input: T.Object({ connection_id: ConnectionId, include_removed: IncludeRemoved }),
    output: T.Array(CatalogDatabase),
    summary: 'Databases (schemas) of a connection in the catalog',
  }),
  listCatalogTables: route({
    method: 'GET',
    path: '/catalog/databases/:database_id/tables',
    input: T.Object({ database_id: T.String({ minLength: 1 }), include_removed: IncludeRemoved }),
    output: T.Array(CatalogTable),
    summary: 'Tables and views of a catalog database',
  }),
  getCatalogTable: route({
    method: 'GET',
    path: '/catalog/tables/:id',
    input: T.Object({ id: T.String({ minLength: 1 }) }),
    output: CatalogTableDetail,
    summary: 'A table’s columns, keys, indexes, statistics and the jobs that read or write it',
  }),
  searchCatalog: route({
    method: 'GET',
    path: '/catalog/search',
    input: T.Object({
      /** Text found anywhere in a table's or column's name or comment (case-insensitive). */
      q: T.String({ minLength: 1, maxLength: 200 }),
      connection_id: T.Optional(ConnectionId),
      limit: T.Optional(T.Integer({ minimum: 1, maximum: 500 })),
    }),
    output: T.Array(CatalogSearchHit),
    summary: 'Search table and column names and comments',
  }),
  getCatalogSettings: route({
    method: 'GET',
    path: '/catalog/connections/:connection_id/settings',
    input: T.Object({ connection_id: ConnectionId }),
    output: CatalogSettings,
    summary: 'A connection’s scan schedule',
  }),
  updateCatalogSettings: route({
    method: 'PUT',
    path: '/catalog/connections/:connection_id/settings',
    input: T.Object({
      connection_id: ConnectionId,
      /** Minutes between scheduled scans (1 to 10080, a week); null stops the schedule. */
      scan_interval_minutes: T.Union([T.Integer({ minimum: 1, maximum: 10080 }), T.Null()]),
    }),
    output: CatalogSettings,
    summary: 'Set or stop a connection’s scan schedule',
  }),
} as const;
