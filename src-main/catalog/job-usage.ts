import { parse as parseYaml } from 'yaml';
import { matchTables, type TableInfo } from '../../connectors/shared/sql/introspection';
import type { TableJob } from '../../src-shared/api/catalog-model';
import type { Job } from '../../src-shared/api/model';
import { connectionRefNames } from '../config/connection-refs';

/*
 * Which jobs read or write a catalog table: components that use the table's saved connection
 * (`connection: { ref: <name> }`) and name the table in `query.table`, `query.tables` (patterns,
 * less `query.exclude`) or `write.table` (a name or a pattern).
 */

type Plain = Record<string, unknown>;

const isMap = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** Every component config (a map with a `type`) that refers to the saved connection `ref`, wherever it is nested. */
function componentsUsing(node: unknown, ref: string, out: Plain[] = []): Plain[] {
  if (Array.isArray(node)) for (const item of node) componentsUsing(item, ref, out);
  else if (isMap(node)) {
    if (typeof node.type === 'string' && isMap(node.connection) && node.connection.ref === ref)
      out.push(node);
    for (const value of Object.values(node)) componentsUsing(value, ref, out);
  }
  return out;
}

/**
 * True when `name` (a table name or a pattern with * and ?, bare or `schema.name`) names the
 * table, as `query.tables` matches names. A bare name matches the table in whichever schema or
 * database it is: the catalog does not know which one a connection reads by default.
 */
function names(pattern: string, table: TableInfo): boolean {
  try {
    return matchTables([pattern], [table]).length > 0;
  } catch {
    return false; // matchTables refuses a pattern that matches nothing
  }
}

/** Whether a component reads or writes the table, if it does either. */
function accessOf(component: Plain, table: TableInfo): TableJob['access'] | undefined {
  const query = component.query;
  if (isMap(query)) {
    if (typeof query.table === 'string' && names(query.table, table)) return 'read';
    const included = strings(query.tables).some((p) => names(p, table));
    if (included && !strings(query.exclude).some((p) => names(p, table))) return 'read';
  }
  const write = component.write;
  if (isMap(write) && typeof write.table === 'string' && names(write.table, table)) return 'write';
  return undefined;
}

/**
 * The jobs that read or write `table` through the saved connection `connectionName`, each once
 * per access, in the order of `jobs`. A job whose YAML does not parse uses nothing.
 */
export function jobsUsingTable(jobs: Job[], connectionName: string, table: TableInfo): TableJob[] {
  const found: TableJob[] = [];
  for (const job of jobs) {
    let config: unknown;
    try {
      config = parseYaml(job.config_yaml);
    } catch {
      continue;
    }
    if (!connectionRefNames(config).includes(connectionName)) continue;
    const accesses = new Set(
      componentsUsing(config, connectionName).flatMap((component) => accessOf(component, table) ?? []),
    );
    for (const access of ['read', 'write'] as const)
      if (accesses.has(access)) found.push({ id: job.id, name: job.name, access });
  }
  return found;
}
