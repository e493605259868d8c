import { Type as T } from '@sinclair/typebox';
import {
  CountResult,
  MAX_COUNT_TIMEOUT_MS,
  MAX_PREVIEW_LIMIT,
  MaskSpec,
  PreviewResult,
  PreviewTable,
} from './preview-model';
import { route } from './route';

const PreviewOptions = {
  /** Rows to show (default 100). */
  limit: T.Optional(T.Integer({ minimum: 1, maximum: MAX_PREVIEW_LIMIT })),
  /** Columns to mask, by name: `{ email: 'hash', phone: 'partial' }`. */
  mask: T.Optional(MaskSpec),
};
const ConnectionId = T.String({ minLength: 1 });

/**
 * Data preview: the first rows of a table, of a read-only query, or of a job's input or target,
 * read over a short-lived read-only session, with the LIMIT pushed into the database.
 */
export const previewRoutes = {
  previewTable: route({
    method: 'POST',
    path: '/preview/table',
    input: T.Object({
      connection_id: ConnectionId,
      /** `schema.table` where the database has schemas, `db.table` or `table` on MySQL. */
      table: T.String({ minLength: 1 }),
      ...PreviewOptions,
    }),
    output: PreviewResult,
    summary: 'The first rows of a table on a saved connection, with column types and statistics',
  }),
  previewQuery: route({
    method: 'POST',
    path: '/preview/query',
    input: T.Object({
      connection_id: ConnectionId,
      /** One statement, run in a read-only session: writes are refused by the database. */
      sql: T.String({ minLength: 1 }),
      ...PreviewOptions,
    }),
    output: PreviewResult,
    summary: 'The first rows of a read-only query on a saved connection',
  }),
  previewJob: route({
    method: 'POST',
    path: '/preview/job',
    input: T.Object({
      job_id: T.String({ minLength: 1 }),
      /** `input`: the rows the job reads; `output`: the target table as it is now. */
      side: T.Union([T.Literal('input'), T.Literal('output')]),
      ...PreviewOptions,
    }),
    output: PreviewResult,
    summary: 'The first rows of a job’s input or of its target table',
  }),
  countRows: route({
    method: 'POST',
    path: '/preview/count',
    input: T.Object({
      connection_id: ConnectionId,
      table: T.String({ minLength: 1 }),
      /** Cancelled after this long (default 60 s). */
      timeout_ms: T.Optional(T.Integer({ minimum: 100, maximum: MAX_COUNT_TIMEOUT_MS })),
    }),
    output: CountResult,
    summary: 'An exact COUNT(*) of a table, cancelled after a timeout',
  }),
  listPreviewTables: route({
    method: 'GET',
    path: '/preview/tables',
    input: T.Object({ connection_id: ConnectionId }),
    output: T.Array(PreviewTable),
    summary: 'Tables and views a saved connection can preview, read live from its catalog',
  }),
} as const;
