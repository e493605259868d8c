import type { StudioApi } from '../../../src-shared/api/contract';
import type {
  InspectComponentInput,
  InspectComponentResult,
  InspectedColumn,
  InspectedTable,
} from '../../../src-shared/api/inspect-routes';
import { connectionRef, isPlainObject } from '../../../src-shared/forms/nested-form-model';
import type { ConnectionPlacement } from './connection-edits';

/*
 * Table and column pickers for a node whose connection is written in it (host, port… or sqlite's
 * `path`) rather than saved: such a database is not in the catalog, so the node's own database is
 * asked (api.inspectComponent). That costs a connection, so the question is asked only once the
 * user stopped typing or opened a picker, and its answer (or failure) is kept for a while.
 */

/** How long typing in the connection fields must pause before the node's database is asked. */
export const INSPECT_PAUSE_MS = 800;
/** How long an answer, or a failure to get one, is kept. */
const KEEP_MS = 15_000;

/** The node the pickers are for. */
export interface PickerNode {
  kind: 'input' | 'output' | 'processor';
  type: string;
  /** Relative paths (a SQLite file) resolve in the job's folder. */
  jobId?: string;
  placement: ConnectionPlacement;
  /** The fields a saved connection fills (`connection`'s, or sqlite's `path` at the root). */
  savedFields: readonly string[];
}

const written = (value: unknown) => value !== undefined && value !== null && value !== '';

/**
 * What to ask to list the tables of the node's own database: only the fields that say where it is
 * (so editing the query asks nothing again). Undefined when the node uses a saved connection (its
 * pickers come from the catalog) or has nothing of a connection written yet.
 */
export function inlineInspectRequest(
  node: PickerNode,
  section: Record<string, unknown>,
): InspectComponentInput | undefined {
  if (node.kind === 'processor' || connectionRef(section) !== undefined) return undefined;
  let where: Record<string, unknown>;
  if (node.placement === 'connection') {
    const connection = section.connection;
    if (!isPlainObject(connection) || !Object.values(connection).some(written)) return undefined;
    where = { connection };
  } else {
    where = Object.fromEntries(
      node.savedFields.flatMap((f) => (written(section[f]) ? [[f, section[f]]] : [])),
    );
    if (Object.keys(where).length === 0) return undefined;
  }
  return {
    kind: node.kind,
    type: node.type,
    section: where,
    ...(node.jobId !== undefined ? { job_id: node.jobId } : {}),
  };
}

/**
 * The listed table a field names: by its qualified name, or by its bare name when one schema
 * alone has a table of that name (`orders` for `public.orders`).
 */
export function listedTable(tables: readonly InspectedTable[], table: string): string | undefined {
  if (tables.some((t) => t.qualified_name === table)) return table;
  const bare = tables.filter((t) => t.qualified_name.slice(t.qualified_name.lastIndexOf('.') + 1) === table);
  return bare.length === 1 ? bare[0].qualified_name : undefined;
}

const answers = new Map<string, { at: number; value: Promise<InspectComponentResult> }>();

/** One question to the node's database per request for `KEEP_MS`, failures included (an unreachable host is not asked again at every focus). */
function asked(api: StudioApi, request: InspectComponentInput): Promise<InspectComponentResult> {
  const now = Date.now();
  for (const [key, answer] of answers) if (now - answer.at >= KEEP_MS) answers.delete(key);
  const key = JSON.stringify(request);
  const hit = answers.get(key);
  if (hit) return hit.value;
  const value = api.inspectComponent(request);
  answers.set(key, { at: now, value });
  value.catch(() => undefined); // the caller sees the failure; the kept copy must not be reported unhandled
  return value;
}

/** Forgets every answer (Retry, a scan). */
export function forgetInspections(): void {
  answers.clear();
}

/** The tables and views of the node's own database. */
export async function inspectTables(
  api: StudioApi,
  request: InspectComponentInput,
): Promise<InspectedTable[]> {
  const result = await asked(api, request);
  return 'tables' in result ? result.tables : [];
}

/** The columns of one of its tables, in order. */
export async function inspectColumns(
  api: StudioApi,
  request: InspectComponentInput,
  table: string,
): Promise<InspectedColumn[]> {
  const result = await asked(api, { ...request, table });
  return 'columns' in result ? result.columns : [];
}
