import type { FormNode } from '../../../src-shared/forms/nested-form-model';

/*
 * The groups of the properties panel, in the order they show, and which group a component's
 * top-level field goes in: one table, by field name, for every component.
 */

export const PROPERTY_GROUPS = [
  'connection',
  'query',
  'processing',
  'performance',
  'errors',
  'other',
] as const;
export type PropertyGroup = (typeof PROPERTY_GROUPS)[number];

/** Fields of inputs and outputs by name; a processor's fields are its processing, but for the last two groups. */
const GROUP_OF_FIELD: Record<string, PropertyGroup> = {
  // Where the data is
  connection: 'connection',
  path: 'connection',
  url: 'connection',
  brokers: 'connection',
  host: 'connection',
  port: 'connection',
  database: 'connection',
  // What is read or written, and how
  query: 'query',
  count: 'query',
  seed: 'query',
  write: 'query',
  table: 'query',
  topic: 'query',
  conflict: 'query',
  columns: 'query',
  incremental: 'query',
  pre_sql: 'query',
  post_sql: 'query',
  mode: 'query',
  format: 'query',
  header: 'query',
  delimiter: 'query',
  quote: 'query',
  escape: 'query',
  null_value: 'query',
  encoding: 'query',
  gzip: 'query',
  // How fast
  fetch: 'performance',
  batch_size: 'performance',
  channels: 'performance',
  split: 'performance',
  concurrency: 'performance',
  buffer: 'performance',
  cache: 'performance',
  max_keys: 'performance',
  // What happens when something fails
  on_error: 'errors',
  retry: 'errors',
  error_limit: 'errors',
  dead_letter: 'errors',
  on_miss: 'errors',
  on_no_match: 'errors',
};

export function groupOfField(kind: 'input' | 'processor' | 'output', name: string): PropertyGroup {
  const group = GROUP_OF_FIELD[name];
  if (group === 'performance' || group === 'errors') return group;
  if (kind === 'processor') return 'processing';
  return group ?? 'other';
}

/** The top-level fields by group, groups in display order, empty groups left out. */
export function groupFields(
  kind: 'input' | 'processor' | 'output',
  nodes: readonly FormNode[],
): { group: PropertyGroup; nodes: FormNode[] }[] {
  return PROPERTY_GROUPS.map((group) => ({
    group,
    nodes: nodes.filter((node) => groupOfField(kind, String(node.key)) === group),
  })).filter((entry) => entry.nodes.length > 0);
}
