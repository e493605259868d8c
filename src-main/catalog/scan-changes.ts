import { LIST_LIMIT, type ScanChanges, type TableChange } from '../../src-shared/api/catalog-model';

/**
 * Collects what a scan changes in the catalog. It lives across the attempts of one scan: what an
 * attempt stored before failing stays reported when a retry then finds it unchanged.
 */
export class ScanChangeCollector {
  private readonly databasesAdded = new Set<string>();
  private readonly databasesRemoved = new Set<string>();
  private readonly tablesAdded = new Set<string>();
  private readonly tablesRemoved = new Set<string>();
  private readonly tablesAltered = new Map<string, TableChange>();
  private unchanged = 0;

  /** A new attempt counts unchanged tables again from zero. */
  startAttempt(): void {
    this.unchanged = 0;
  }

  databaseAdded(name: string): void {
    this.databasesAdded.add(name);
  }

  databaseRemoved(name: string): void {
    this.databasesRemoved.add(name);
  }

  tableAdded(table: string): void {
    this.tablesAdded.add(table);
  }

  tableRemoved(table: string): void {
    this.tablesRemoved.add(table);
  }

  /** A table that changed; a table added in this scan is reported as added only. */
  tableAltered(change: TableChange): void {
    if (!this.tablesAdded.has(change.table)) this.tablesAltered.set(change.table, change);
  }

  tablesUnchanged(count: number): void {
    this.unchanged += count;
  }

  /** The log's summary: name lists cut at LIST_LIMIT entries, the counts whole. */
  summary(): ScanChanges {
    const first = <T>(items: Iterable<T>) => [...items].slice(0, LIST_LIMIT);
    return {
      databases_added: first(this.databasesAdded),
      databases_removed: first(this.databasesRemoved),
      tables_added: first(this.tablesAdded),
      tables_removed: first(this.tablesRemoved),
      tables_altered: first(this.tablesAltered.values()),
      counts: {
        tables_added: this.tablesAdded.size,
        tables_removed: this.tablesRemoved.size,
        tables_altered: this.tablesAltered.size,
        tables_unchanged: this.unchanged,
      },
    };
  }
}
