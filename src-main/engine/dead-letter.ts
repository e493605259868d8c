import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { formatCount } from '../../src-shared/text/count';
import type { LogicalType } from '../../src-shared/types/logical';
import type { Column, Row } from './batch';
import type { Logger } from './component';

/*
 * Where a run puts the rows it could not deliver (refused by the output, later by processors):
 * kept with the reason and the place, so a bad row is never lost and can be fixed and fed again.
 */

/** One rejected row as it is kept. */
export interface DeadLetterEntry {
  /** ISO 8601 time the row was rejected. */
  time: string;
  /** The part of the pipeline that refused it: `output`, `pipeline.processors[3]`. */
  place: string;
  lane: number;
  /** The reason, in the words of whoever refused it (the database's message for the row). */
  error: string;
  /** The row as `{ column: value }`, JSON-safe (see `jsonSafe`). */
  row: Record<string, unknown>;
  /**
   * The logical type of each of the row's columns: JSON keeps a bigint, a decimal or a timestamp
   * as text, so a replay reads the row back typed (`file` input `columns`) by these.
   */
  types: Record<string, LogicalType>;
}

/** The logical type of each column by name. */
export function columnTypes(columns: Column[]): Record<string, LogicalType> {
  const types: Record<string, LogicalType> = {};
  for (const column of columns) types[column.name] = column.type;
  return types;
}

/** Rows of one batch refused at one place. */
export interface Rejection {
  place: string;
  lane: number;
  columns: Column[];
  rows: { row: Row; error: string }[];
}

export interface DeadLetterSink {
  /** Keeps the rows; resolves once they are written, so a checkpoint never passes a row not yet kept. */
  add(rejection: Rejection): Promise<void>;
  /** Releases the sink; resolves with one note per place that had rows ("3 rows rejected by the output were …"). */
  close(): Promise<string[]>;
}

/**
 * A value as JSON keeps it without loss, encoded as the file output's JSON Lines does: bigint →
 * decimal text (JSON numbers stop at 2^53), Date → ISO 8601, bytes → base64; arrays and objects
 * recursively. Not-finite numbers become text (JSON would make them null).
 */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = jsonSafe(inner);
    return out;
  }
  return value;
}

/** A row as `{ column: value }`, JSON-safe. */
export function rowObject(columns: Column[], row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((column, i) => (out[column.name] = jsonSafe(row[i])));
  return out;
}

/** Counts rejected rows per place, in the order places first rejected one. */
class PlaceCounts {
  private readonly counts = new Map<string, number>();

  add(place: string, rows: number): void {
    this.counts.set(place, (this.counts.get(place) ?? 0) + rows);
  }

  notes(where: string): string[] {
    return [...this.counts].map(([place, n]) => {
      const by = place === 'output' ? 'the output' : place;
      return n === 1
        ? `1 row rejected by ${by} was ${where}`
        : `${formatCount(n)} rows rejected by ${by} were ${where}`;
    });
  }
}

/**
 * Appends rejected rows as JSON Lines (`DeadLetterEntry` per line) to `file`, which is created
 * (with its folder) only when the first row arrives: a run without bad rows leaves nothing behind.
 * Lanes add concurrently; writes are chained so lines never interleave.
 */
export class JsonLinesDeadLetter implements DeadLetterSink {
  private handle: Promise<FileHandle> | undefined;
  private tail: Promise<void> = Promise.resolve();
  private readonly counts = new PlaceCounts();

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  add(rejection: Rejection): Promise<void> {
    if (rejection.rows.length === 0) return Promise.resolve();
    const time = this.now().toISOString();
    const { place, lane, columns } = rejection;
    const types = columnTypes(columns);
    const text = rejection.rows
      .map(({ row, error }) => {
        const entry: DeadLetterEntry = { time, place, lane, error, row: rowObject(columns, row), types };
        return `${JSON.stringify(entry)}\n`;
      })
      .join('');
    const written = this.tail.then(async () => {
      const handle = await this.open();
      await handle.write(text);
      // Rejections are rare and the rows exist nowhere else once the checkpoint moves on.
      await handle.datasync();
      this.counts.add(place, rejection.rows.length);
    });
    this.tail = written.catch(() => undefined);
    return written.catch((error: unknown) => {
      throw new Error(
        `cannot write rejected rows to ${this.file}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    });
  }

  async close(): Promise<string[]> {
    await this.tail;
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle.catch(() => undefined))?.close();
    return this.counts.notes(`written to ${this.file}`);
  }

  private open(): Promise<FileHandle> {
    this.handle ??= (async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      return open(this.file, 'a');
    })();
    return this.handle;
  }
}

/**
 * For runs without a dead-letter file (tests, embedding): each rejected row goes to the log as
 * an error, so it is still not lost.
 */
export class LoggedDeadLetter implements DeadLetterSink {
  private readonly counts = new PlaceCounts();

  constructor(private readonly logger: Logger) {}

  async add({ place, lane, columns, rows }: Rejection): Promise<void> {
    for (const { row, error } of rows)
      this.logger.error(`row rejected by ${place}: ${error}`, { lane, row: rowObject(columns, row) });
    this.counts.add(place, rows.length);
  }

  async close(): Promise<string[]> {
    return this.counts.notes('logged (no dead-letter file)');
  }
}
