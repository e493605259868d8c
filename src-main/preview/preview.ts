import type { ColumnInfo, TableSchema } from '../../connectors/shared/sql/introspection';
import { formatCount } from '../../src-shared/text/count';
import { ApiError } from '../../src-shared/api/errors';
import {
  DEFAULT_COUNT_TIMEOUT_MS,
  DEFAULT_PREVIEW_LIMIT,
  MAX_PREVIEW_LIMIT,
  type CountResult,
  type MaskSpec,
  type PreviewColumn,
  type PreviewResult,
  type PreviewSource,
  type RowCount,
} from '../../src-shared/api/preview-model';
import type { Column, Row } from '../engine/batch';
import { columnStats } from './column-stats';
import { maskValue } from './masking';
import { previewValue, MAX_PREVIEW_CHARS, type ValueNotes } from './preview-values';
import { withoutSecrets } from '../connections/secret-text';
import type { PreviewTarget } from './preview-target';
import type { PreviewSession } from './sessions/session';

/** How long a preview's statement may run before it is cancelled. */
export const PREVIEW_TIMEOUT_MS = 30_000;

export interface PreviewOptions {
  /** Rows to show: 1–MAX_PREVIEW_LIMIT, default DEFAULT_PREVIEW_LIMIT. */
  limit?: number;
  mask?: MaskSpec;
  /** Cancels the statement; a preview also stops by itself after PREVIEW_TIMEOUT_MS. */
  signal?: AbortSignal;
}

/** Which rows of a table: its columns (default all) and a WHERE condition, as a job input's query has them. */
export interface TableSelection {
  columns?: string[];
  filter?: string;
  /** The config path of the table in messages (`input.query.table`), for job previews. */
  place?: string;
  /** Said after "not found": a job output's table may not exist before its first run. */
  missingHint?: string;
}

/** A column as the assembly takes it: the result's column plus what the catalog adds. */
export interface SourceColumn extends Column {
  comment?: string;
}

/** Rows read from a source, before they are made JSON-safe, masked and described. */
export interface ReadRows {
  source: PreviewSource;
  columns: SourceColumn[];
  rows: Row[];
  more: boolean;
  limit: number;
  /** The count when the rows do not tell it (they do when `more` is false). */
  rowCount: RowCount;
  notes: string[];
  mask?: MaskSpec;
  /** `performance.now()` when the preview started. */
  started: number;
}

/** The limit asked for, or the default; refused outside 1–MAX_PREVIEW_LIMIT. */
export function previewLimit(limit: number | undefined): number {
  const rows = limit ?? DEFAULT_PREVIEW_LIMIT;
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_PREVIEW_LIMIT)
    throw new ApiError(
      'bad_request',
      `limit must be a whole number from 1 to ${formatCount(MAX_PREVIEW_LIMIT)}`,
    );
  return rows;
}

/** Every masked column must be one of the result's: a typo would otherwise leave a column unmasked. */
function checkMask(mask: MaskSpec | undefined, columns: Column[], label: string): void {
  const names = new Set(columns.map((c) => c.name));
  const unknown = Object.keys(mask ?? {}).filter((name) => !names.has(name));
  if (unknown.length > 0) {
    throw new ApiError(
      'bad_request',
      `mask.${unknown[0]}: no column "${unknown[0]}" in the preview of ${label} (its columns: ${[...names].join(', ')})`,
      unknown.map((name) => ({ path: `mask.${name}`, message: 'no such column' })),
    );
  }
}

/**
 * The preview as the API sends it: values made JSON-safe, masked columns masked (over their whole
 * value, before it is shortened), statistics computed over what is sent, the row count exact when
 * every row was seen.
 */
export function previewResult(read: ReadRows): PreviewResult {
  checkMask(read.mask, read.columns, read.source.label);
  const masks = read.columns.map((c) => read.mask?.[c.name]);
  const valueNotes: ValueNotes = { shortened: 0 };
  const rows = read.rows.map((row) =>
    read.columns.map((_, i) => {
      const mode = masks[i];
      const value = row[i];
      return mode
        ? previewValue(maskValue(previewValue(value, valueNotes, true), mode), valueNotes)
        : previewValue(value, valueNotes);
    }),
  );
  const columns = read.columns.map((c, i): PreviewColumn => {
    const mode = masks[i];
    return {
      name: c.name,
      native_type: c.nativeType ?? c.type,
      type: mode ? 'string' : c.type,
      ...(c.nullable !== undefined ? { nullable: c.nullable } : {}),
      ...(c.comment ? { comment: c.comment } : {}),
      ...(mode ? { masked: mode } : {}),
      stats: columnStats(rows, i),
    };
  });
  const notes = [...read.notes];
  if (valueNotes.shortened > 0)
    notes.push(
      `${formatCount(valueNotes.shortened)} values longer than ${formatCount(MAX_PREVIEW_CHARS)} characters are shown shortened`,
    );
  return {
    source: read.source,
    columns,
    rows,
    limit: read.limit,
    has_more: read.more,
    row_count: read.more ? read.rowCount : { kind: 'exact', value: rows.length },
    duration_ms: Math.round(performance.now() - read.started),
    notes,
  };
}

/** The signal a preview's statement runs under: the caller's, and a timeout. */
function statementSignal(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Seconds as a message says them: `30 s`, `0.5 s`. */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * Runs `work` on a session of the target, closed afterwards whatever happens. Failures become
 * ApiErrors whose message names the database and never holds a secret; a statement stopped by
 * `signal` says so (and after how long when it was the timeout).
 */
async function withSession<T>(
  target: PreviewTarget,
  what: string,
  signal: AbortSignal,
  timeoutMs: number,
  work: (session: PreviewSession) => Promise<T>,
): Promise<T> {
  let session: PreviewSession | undefined;
  try {
    session = await target.openSession();
    return await work(session);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (signal.aborted) {
      const timedOut = (signal.reason as Error | undefined)?.name === 'TimeoutError';
      throw new ApiError(
        'bad_request',
        `${what} on ${target.label} was ${timedOut ? `stopped after ${seconds(timeoutMs)}` : 'cancelled'}`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new ApiError('bad_request', withoutSecrets(message, target.secrets));
  } finally {
    await session?.close().catch(() => undefined);
  }
}

/** How every introspector says a table does not exist (`table "x" not found in …`). */
const MISSING_TABLE = /^table ".*" not found in /;

/** The catalog's description of a table, or the error saying why there is none (kept for later). */
async function describeTable(target: PreviewTarget, table: string): Promise<TableSchema | Error> {
  try {
    const introspector = await target.openIntrospector();
    try {
      return await introspector.describeTable(table);
    } finally {
      await introspector.close().catch(() => undefined);
    }
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function selectStatement(session: PreviewSession, table: string, selection: TableSelection, rows: number) {
  const columns = selection.columns?.length ? selection.columns.map(session.quoteIdent).join(', ') : '*';
  const where = selection.filter?.trim() ? ` WHERE ${selection.filter}` : '';
  return `SELECT ${columns} FROM ${session.quoteTable(table)}${where} LIMIT ${rows}`;
}

/** Result columns with the catalog's native types (`numeric(12,2)` where the result says `numeric`), nullability and comments. */
function withCatalog(columns: Column[], catalog: ColumnInfo[]): SourceColumn[] {
  const byName = new Map(catalog.map((c) => [c.name, c]));
  return columns.map((column) => {
    const info = byName.get(column.name);
    if (!info) return column;
    return {
      ...column,
      nativeType: info.nativeType,
      nullable: info.nullable,
      ...(info.comment ? { comment: info.comment } : {}),
    };
  });
}

/**
 * The first rows of a table with `LIMIT limit + 1` in the statement, so the database reads no
 * more than that however large the table; the catalog's description (native types, the row
 * estimate) is read at the same time over its own connection.
 */
export async function previewTable(
  target: PreviewTarget,
  table: string,
  options: PreviewOptions & TableSelection = {},
): Promise<PreviewResult> {
  const started = performance.now();
  const limit = previewLimit(options.limit);
  const signal = statementSignal(options.signal, PREVIEW_TIMEOUT_MS);
  let sql = '';
  const described = describeTable(target, table);
  const selected = await withSession(target, 'the preview', signal, PREVIEW_TIMEOUT_MS, async (session) => {
    sql = selectStatement(session, table, options, limit + 1);
    return session.select(sql, limit, signal);
  }).catch(async (error: unknown) => {
    // A missing table: the catalog's message names it and the database, the query's only the relation.
    const schema = await described;
    if (schema instanceof Error && MISSING_TABLE.test(schema.message)) {
      const message = `${options.place ? `${options.place}: ` : ''}${withoutSecrets(schema.message, target.secrets)}`;
      throw new ApiError(
        'bad_request',
        options.missingHint ? `${message} (${options.missingHint})` : message,
      );
    }
    throw error;
  });
  const schema = await described;
  const estimate = schema instanceof Error ? undefined : schema.table.rowEstimate;
  const filtered = Boolean(options.filter?.trim());
  return previewResult({
    source: { label: target.label, type: target.type, table, sql },
    columns: schema instanceof Error ? selected.columns : withCatalog(selected.columns, schema.columns),
    rows: selected.rows,
    more: selected.more,
    limit,
    // A filter's rows are a part of the table the statistics cannot size.
    rowCount:
      estimate !== undefined && !filtered ? { kind: 'estimate', value: estimate } : { kind: 'unknown' },
    notes: selected.notes,
    mask: options.mask,
    started,
  });
}

/**
 * The first rows of a user's statement, read-only: cut at `limit + 1` rows the way the database
 * keeps its meaning (see `PreviewSession.limitedQuery`). A statement that writes is refused by
 * the database, with its message.
 */
export async function previewQuery(
  target: PreviewTarget,
  sql: string,
  options: PreviewOptions = {},
): Promise<PreviewResult> {
  const started = performance.now();
  const limit = previewLimit(options.limit);
  if (sql.trim() === '') throw new ApiError('bad_request', 'sql: the query is empty');
  const signal = statementSignal(options.signal, PREVIEW_TIMEOUT_MS);
  let ran = sql;
  const selected = await withSession(target, 'the query', signal, PREVIEW_TIMEOUT_MS, (session) => {
    ran = session.limitedQuery(sql, limit + 1);
    return session.select(ran, limit, signal);
  });
  const notes = [...selected.notes];
  if (selected.columns.length === 0) notes.push('the statement returned no result set');
  return previewResult({
    source: { label: target.label, type: target.type, sql: ran },
    columns: selected.columns,
    rows: selected.rows,
    more: selected.more,
    limit,
    rowCount: { kind: 'unknown' },
    notes,
    mask: options.mask,
    started,
  });
}

/** An exact `COUNT(*)` of a table, cancelled on the server after `timeoutMs` (default 60 s) or on `signal`. */
export async function countRows(
  target: PreviewTarget,
  table: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<CountResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_COUNT_TIMEOUT_MS;
  const signal = statementSignal(options.signal, timeoutMs);
  const selected = await withSession(target, `counting the rows of ${table}`, signal, timeoutMs, (session) =>
    session.select(`SELECT COUNT(*) FROM ${session.quoteTable(table)}`, 1, signal),
  );
  return {
    table,
    count: Number(selected.rows[0]?.[0] ?? 0),
    duration_ms: Math.round(performance.now() - started),
  };
}
