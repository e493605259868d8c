import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { LogicalType } from '../../src-shared/types/logical';
import { parseText } from '../shared/values';
import { jsonToLogical, jsonValueType, type FileFormat } from './types';
import { leadingBreaks, lineBreaks, quotedFields } from './csv-quoting';
import { openText } from './streams';

/** A column a file config declares: its name and the logical type values are converted to. */
export interface DeclaredColumn {
  name: string;
  type: LogicalType;
}

/** Everything the file reader needs, resolved from the config. */
export interface FileReadOptions {
  /** Absolute path of the file. */
  path: string;
  /** The path as the config wrote it, used in messages. */
  displayPath: string;
  format: FileFormat;
  gzip: boolean;
  encoding: string;
  batchSize: number;
  header: boolean;
  delimiter: string;
  quote: string;
  escape: string;
  nullValue: string;
  columns?: DeclaredColumn[];
}

/** Streams a CSV or JSON Lines file in batches; each batch's checkpoint is `{ line }` (last line read). */
export function readFile(options: FileReadOptions, signal: AbortSignal): AsyncIterable<Batch> {
  return options.format === 'csv' ? readCsv(options, signal) : readJsonLines(options, signal);
}

/** Column names from a header row: blanks become col_N, repeats get _2, _3 … so every name is usable. */
export function headerNames(cells: (string | null)[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, i) => {
    const base = cell === null || cell.trim() === '' ? `col_${i + 1}` : cell;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}_${count}`;
  });
}

function csvColumns(options: FileReadOptions, firstRecord: (string | null)[]): Column[] {
  const declared = options.columns;
  const where = `${options.displayPath}:1`;
  if (!options.header) {
    if (!declared) return firstRecord.map((_, i) => ({ name: `col_${i + 1}`, type: 'string' }));
    if (declared.length !== firstRecord.length) {
      throw new Error(
        `${where}: ${declared.length} columns are declared but the row has ${firstRecord.length} fields`,
      );
    }
    return declared.map((c) => ({ name: c.name, type: c.type }));
  }
  const names = headerNames(firstRecord);
  const types = new Map(declared?.map((c) => [c.name, c.type]));
  for (const name of types.keys()) {
    if (!names.includes(name)) {
      throw new Error(`${where}: declared column "${name}" is not in the header (${names.join(', ')})`);
    }
  }
  return names.map((name) => ({ name, type: types.get(name) ?? 'string' }));
}

/** Converts one value to its column's type, or throws an Error naming file, line and column. */
function convertOrFail(convert: () => unknown, where: string, column: string): unknown {
  try {
    return convert();
  } catch (err) {
    throw new Error(`${where}: column "${column}": ${(err as Error).message}`);
  }
}

async function* readCsv(options: FileReadOptions, signal: AbortSignal): AsyncIterable<Batch> {
  const { nullValue } = options;
  // No `cast` or `info` hooks: they cost an object per field and per record (see csv-quoting.ts).
  const parser = parse({
    delimiter: options.delimiter,
    quote: options.quote,
    escape: options.escape,
    raw: true,
    skip_empty_lines: true,
  });
  let bytesRead = 0;
  const stream = openText(options.path, options.encoding, options.gzip, parser, (n) => (bytesRead += n));
  let columns: Column[] | undefined;
  let rows: Row[] = [];
  let bytesBefore = 0;
  let linesRead = 0;
  // The last line of the last record: a record's raw text may end without its line break.
  let lastLine = 0;
  try {
    for await (const { record, raw } of stream as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = linesRead + leadingBreaks(raw) + 1;
      linesRead += lineBreaks(raw);
      lastLine = Math.max(line, linesRead);
      // Only an unquoted field equal to null_value is null: `""` stays an empty string.
      let quoted: boolean[] | undefined;
      const cells: (string | null)[] = record;
      for (let i = 0; i < cells.length; i++) {
        if (cells[i] === nullValue && !(quoted ??= quotedFields(raw, options))[i]) cells[i] = null;
      }
      if (!columns) {
        columns = csvColumns(options, cells);
        if (options.header) continue;
      }
      rows.push(convertRecord(cells, columns, options.displayPath, line));
      if (rows.length >= options.batchSize) {
        yield { columns, rows, checkpoint: { line: lastLine }, bytes: bytesRead - bytesBefore };
        bytesBefore = bytesRead;
        rows = [];
        if (signal.aborted) return;
      }
    }
    if (columns && rows.length > 0) {
      yield { columns, rows, checkpoint: { line: lastLine }, bytes: bytesRead - bytesBefore };
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // csv-parse errors say "at line N" but not which file.
    if (typeof code === 'string' && code.startsWith('CSV_'))
      throw new Error(`${options.displayPath}: ${(err as Error).message}`);
    throw err;
  } finally {
    stream.destroy();
  }
}

/** A CSV record as a row of its columns' types; a value that does not convert names file, line and column. */
function convertRecord(cells: (string | null)[], columns: Column[], displayPath: string, line: number): Row {
  const row: Row = new Array<unknown>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const value = cells[i];
    const type = columns[i]?.type ?? 'string';
    row[i] =
      value === null || type === 'string'
        ? value
        : convertOrFail(() => parseText(value, type), `${displayPath}:${line}`, columns[i].name);
  }
  return row;
}

async function* readJsonLines(options: FileReadOptions, signal: AbortSignal): AsyncIterable<Batch> {
  let bytesRead = 0;
  const text = openText(options.path, options.encoding, options.gzip, undefined, (n) => (bytesRead += n));
  const lines = createInterface({ input: text, crlfDelay: Infinity });
  const declared = options.columns;
  let columns: Column[] | undefined;
  let index = new Map<string, number>();
  let rows: Row[] = [];
  let lineNo = 0;
  let bytesBefore = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      const where = `${options.displayPath}:${lineNo}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (err) {
        throw new Error(`${where}: not valid JSON: ${(err as Error).message}`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error(`${where}: expected a JSON object per line`);
      }
      const record = parsed as Record<string, unknown>;
      if (!columns) {
        columns = declared
          ? declared.map((c) => ({ name: c.name, type: c.type }))
          : Object.entries(record).map(([name, value]) => ({ name, type: jsonValueType(value) }));
        index = new Map(columns.map((c, i) => [c.name, i]));
      }
      const row: Row = new Array<unknown>(columns.length).fill(null);
      for (const [key, value] of Object.entries(record)) {
        const i = index.get(key);
        if (i === undefined) {
          const origin = declared ? 'the declared columns' : 'the keys of the first object';
          throw new Error(
            `${where}: unknown key "${key}": columns come from ${origin} (${[...index.keys()].join(', ')}); declare \`columns\` to read more`,
          );
        }
        const type = columns[i].type;
        row[i] = declared ? convertOrFail(() => jsonToLogical(value, type), where, key) : value;
      }
      rows.push(row);
      if (rows.length >= options.batchSize) {
        yield { columns, rows, checkpoint: { line: lineNo }, bytes: bytesRead - bytesBefore };
        bytesBefore = bytesRead;
        rows = [];
        if (signal.aborted) return;
      }
    }
    if (columns && rows.length > 0)
      yield { columns, rows, checkpoint: { line: lineNo }, bytes: bytesRead - bytesBefore };
  } finally {
    lines.close();
    text.destroy();
  }
}
