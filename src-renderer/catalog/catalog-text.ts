import type { ScanChanges, ScanLog } from '../../src-shared/api/catalog-model';

/*
 * Small pure helpers of the catalog's views: links, schedule choices, what a scan log says in
 * one line.
 */

/** The data preview of a catalog table (the preview page reads the hash's query). */
export function previewHref(connectionId: string, qualifiedName: string): string {
  const query = new URLSearchParams({ connection: connectionId, table: qualifiedName });
  return `/preview?${query.toString()}`;
}

/** A catalog page link that selects a table (and highlights a column) or a connection. */
export function catalogHref(selection: { table?: string; column?: string; connection?: string }): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(selection)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `/catalog?${text}` : '/catalog';
}

/** The message key of a schedule choice. */
export type ScheduleLabel =
  | 'catalog.schedule_off'
  | 'catalog.schedule_15m'
  | 'catalog.schedule_1h'
  | 'catalog.schedule_6h'
  | 'catalog.schedule_1d'
  | 'catalog.schedule_7d'
  | 'catalog.schedule_minutes';

/** The schedule intervals offered, in minutes (null: off), with their label keys. */
export const SCHEDULE_CHOICES: { minutes: number | null; label: ScheduleLabel }[] = [
  { minutes: null, label: 'catalog.schedule_off' },
  { minutes: 15, label: 'catalog.schedule_15m' },
  { minutes: 60, label: 'catalog.schedule_1h' },
  { minutes: 360, label: 'catalog.schedule_6h' },
  { minutes: 1440, label: 'catalog.schedule_1d' },
  { minutes: 10080, label: 'catalog.schedule_7d' },
];

/** Counts of what a scan changed; zero for a scan without a summary yet. */
export function changeCounts(changes: ScanChanges | null): {
  added: number;
  removed: number;
  altered: number;
} {
  return {
    added: changes?.counts.tables_added ?? 0,
    removed: changes?.counts.tables_removed ?? 0,
    altered: changes?.counts.tables_altered ?? 0,
  };
}

/** True when the scan changed anything in the catalog (databases included). */
export function hasChanges(changes: ScanChanges | null): boolean {
  const { added, removed, altered } = changeCounts(changes);
  return (
    added + removed + altered > 0 ||
    (changes?.databases_added.length ?? 0) > 0 ||
    (changes?.databases_removed.length ?? 0) > 0
  );
}

/** A share 0–100 of the tables handled, or null while the total is unknown. */
export function progressPercent(scan: Pick<ScanLog, 'tables_done' | 'tables_total'>): number | null {
  if (scan.tables_total === null) return null;
  if (scan.tables_total === 0) return 100;
  return Math.min(100, Math.round((scan.tables_done / scan.tables_total) * 100));
}

/** Message keys of the property names a scan log uses (`type`, `primary key`…). */
const CHANGE_NAME_KEYS = {
  type: 'catalog.change_names.type',
  'logical type': 'catalog.change_names.logical_type',
  nullable: 'catalog.change_names.nullable',
  default: 'catalog.change_names.default',
  comment: 'catalog.change_names.comment',
  generated: 'catalog.change_names.generated',
  'auto increment': 'catalog.change_names.auto_increment',
  kind: 'catalog.change_names.kind',
  'primary key': 'catalog.change_names.primary_key',
  indexes: 'catalog.change_names.indexes',
  'foreign keys': 'catalog.change_names.foreign_keys',
  'column order': 'catalog.change_names.column_order',
} as const;

/** The message key of a changed property's name, or undefined for a name the UI does not know. */
export function changeNameKey(
  name: string,
): (typeof CHANGE_NAME_KEYS)[keyof typeof CHANGE_NAME_KEYS] | undefined {
  return Object.hasOwn(CHANGE_NAME_KEYS, name)
    ? CHANGE_NAME_KEYS[name as keyof typeof CHANGE_NAME_KEYS]
    : undefined;
}
