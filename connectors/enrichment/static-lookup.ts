import type { Column, Row } from '../../src-main/engine/batch';
import { FieldError, type ComponentContext } from '../../src-main/engine/component';
import type { LogicalType } from '../../src-shared/types/logical';
import { fileInput } from '../file/spec';
import { fieldIndex, unknownFieldMessage } from '../shared/stateful/fields';
import { matchKey } from '../shared/stateful/keys';
import { convertValue, inferType, type Answer, type LookupField, type LookupSource } from './lookup';

/** A static table: inline rows from the config, or a CSV / JSON Lines file read when the run starts. */
export interface StaticTable {
  rows?: Record<string, unknown>[];
  path?: string;
  format?: 'csv' | 'jsonl';
  delimiter?: string;
  encoding?: string;
}

/**
 * A lookup in a table held in memory: inline `rows`, or a file read whole by the `file` input
 * when the run starts. The first row of a key wins. Keys are matched by their text (`matchKey`),
 * so a CSV's "42" finds the row whose key is 42.
 */
export class StaticLookup implements LookupSource {
  readonly description: string;
  private columns: Column[] | undefined;
  private index: Map<string, unknown[]> | undefined;

  constructor(
    private readonly table: StaticTable,
    private readonly keyColumns: { name: string; path: string }[],
    private readonly fields: LookupField[],
    private readonly ctx: ComponentContext,
  ) {
    if ((table.rows === undefined) === (table.path === undefined))
      throw new FieldError(
        'lookup',
        'a static lookup takes either rows (inline) or path (a CSV or JSON Lines file)',
      );
    this.description = table.path !== undefined ? `file ${table.path}` : 'the inline rows';
    if (table.rows) {
      const columns = inlineColumns(table.rows);
      this.load(
        columns,
        table.rows.map((record) => columns.map((c) => record[c.name] ?? null)),
      );
    }
  }

  types(): LogicalType[] {
    return this.fields.map((field) => {
      if (field.declared) return field.declared;
      const index = this.columns ? fieldIndex(this.columns, field.from) : -1;
      return index >= 0 ? (this.columns as Column[])[index].type : 'string';
    });
  }

  async open(): Promise<void> {
    if (this.index || this.table.path === undefined) return;
    const { path, format, delimiter, encoding } = this.table;
    const input = await fileInput.create({ path, format, delimiter, encoding }, this.ctx);
    let columns: Column[] = [];
    const rows: Row[] = [];
    try {
      for await (const batch of input.read(0, 1, this.ctx.signal)) {
        columns = batch.columns;
        for (const row of batch.rows) rows.push(row);
      }
    } finally {
      await input.close?.();
    }
    this.load(columns, rows);
  }

  async fetch(keys: Map<string, unknown[]>): Promise<Map<string, Answer>> {
    if (!this.index) throw new Error(`${this.description} was not read: the lookup was not opened`);
    const answers = new Map<string, Answer>();
    for (const text of keys.keys()) answers.set(text, this.index.get(text) ?? null);
    return answers;
  }

  async close(): Promise<void> {}

  /** Indexes the table by key text, each key's added values converted to their types. */
  private load(columns: Column[], rows: Row[]): void {
    this.columns = columns;
    const names = columns.map((c) => c.name);
    const find = (name: string, path: string) => {
      const index = fieldIndex(columns, name);
      if (index < 0) throw new FieldError(path, unknownFieldMessage(names, name, this.description));
      return index;
    };
    const keyIndices = this.keyColumns.map((k) => find(k.name, k.path));
    const fieldIndices = this.fields.map((f) => find(f.from, f.path));
    const keyTypes = keyIndices.map((i) => columns[i].type);
    const types = this.types();
    const index = new Map<string, unknown[]>();
    rows.forEach((row, r) => {
      const text = matchKey(
        keyIndices.map((i) => row[i]),
        keyTypes,
      );
      if (text === null || index.has(text)) return;
      index.set(
        text,
        fieldIndices.map((i, f) => {
          try {
            return convertValue(row[i], types[f]);
          } catch (error) {
            throw new FieldError(
              this.fields[f].path,
              `row ${r + 1} of ${this.description}: ${(error as Error).message}`,
            );
          }
        }),
      );
    });
    this.index = index;
  }
}

/** The columns of inline rows: every property any row has, typed by the values it holds. */
function inlineColumns(rows: Record<string, unknown>[]): Column[] {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return names.map((name) => ({ name, type: inferType(rows.map((row) => row[name])) }));
}
