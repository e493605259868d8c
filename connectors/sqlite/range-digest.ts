import type Database from 'better-sqlite3';
import type { LogicalType } from '../../src-shared/types/logical';
import { andConditions, rangeCondition, type SplitRequest } from '../shared/sql/key-ranges';
import {
  canonicalRow,
  rowHash,
  sameColumns,
  type ComparedColumn,
  type DigestColumn,
  type DigestRequest,
  type RangeDigest,
  type RangeKeysRequest,
  type TableDigester,
} from '../shared/sql/range-digest';
import { openReadOnly, quoteIdent } from './reader';
import { planKeyRanges } from './split';
import { logicalFromDeclared, logicalFromValue } from './types';

/*
 * Range digests in SQLite: the database runs in this process, so the canonical forms of
 * `connectors/shared/sql/range-digest.ts` are computed by a function registered on the
 * connection (`fustgo_row_hash`), called by SQLite for each row of the range; SQLite sums the
 * hashes. Rows never leave SQLite's loop as JavaScript arrays.
 */

/** Bits of the row hash summed apart, so neither sum can pass SQLite's 64-bit integers. */
const LOW_BITS = 30n;
const LOW_MASK = (1n << LOW_BITS) - 1n;

/** What `fustgo_row_hash` needs to know of its columns: each one's own and comparison type. */
type HashSpec = [LogicalType, LogicalType][];

/** Registers `fustgo_row_hash(spec, value…)` on `db`: the row hash of the values under a JSON `HashSpec`. */
export function registerRowHash(db: Database.Database): void {
  const specs = new Map<string, ComparedColumn[]>();
  db.function(
    'fustgo_row_hash',
    { varargs: true, deterministic: true, safeIntegers: true },
    (...args: unknown[]) => {
      const key = String(args[0]);
      let columns = specs.get(key);
      if (!columns) {
        columns = (JSON.parse(key) as HashSpec).map(([type, as], i) => ({
          column: { name: String(i), type },
          as,
        }));
        specs.set(key, columns);
      }
      return rowHash(canonicalRow(columns, args.slice(1)));
    },
  );
}

function whereSql(
  request: { key?: string; range: DigestRequest['range']; filter?: string },
  extra?: string,
): string {
  const range =
    request.key === undefined ? undefined : rangeCondition(request.range, quoteIdent(request.key));
  const condition = andConditions(request.filter, range === '1 = 1' ? undefined : range, extra);
  return condition ? ` WHERE ${condition}` : '';
}

/** Count and hash sum of a range, on a connection where `registerRowHash` ran. */
export function digestRange(db: Database.Database, request: DigestRequest): RangeDigest {
  const spec = JSON.stringify(request.columns.map((c): [LogicalType, LogicalType] => [c.column.type, c.as]));
  const values = request.columns.map((c) => quoteIdent(c.column.name)).join(', ');
  const row = db
    .prepare(
      `SELECT count(*) AS n, sum(h >> ${LOW_BITS}) AS high, sum(h & ${LOW_MASK}) AS low FROM ` +
        `(SELECT fustgo_row_hash(?, ${values}) AS h FROM ${quoteIdent(request.table)}${whereSql(request)})`,
    )
    .safeIntegers(true)
    .get(spec) as { n: bigint; high: bigint | null; low: bigint | null };
  const sum = ((row.high ?? 0n) << LOW_BITS) + (row.low ?? 0n);
  return { rows: Number(row.n), sum: sum.toString() };
}

/** The columns of a table; a column without a declared type takes the type its first value suggests. */
export function describeTable(db: Database.Database, table: string): DigestColumn[] {
  const quoted = quoteIdent(table);
  return db
    .prepare(`SELECT * FROM ${quoted}`)
    .columns()
    .map((c) => {
      const declared = logicalFromDeclared(c.type);
      if (declared) return { name: c.name, type: declared, nativeType: c.type ?? undefined };
      const first = db
        .prepare(
          `SELECT ${quoteIdent(c.name)} FROM ${quoted} WHERE ${quoteIdent(c.name)} IS NOT NULL LIMIT 1`,
        )
        .pluck()
        .safeIntegers(true)
        .get();
      return { name: c.name, type: logicalFromValue(first) };
    });
}

/** A digester over a SQLite file, opened read-only. */
export async function openSqliteDigester(file: string): Promise<TableDigester> {
  const db = openReadOnly(file);
  registerRowHash(db);
  const run = async <T>(what: string, work: () => T): Promise<T> => {
    try {
      return work();
    } catch (error) {
      throw new Error(`${what} in SQLite ${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  return {
    notes: [],
    quoteIdent,
    describe: (table) => run(`cannot read the columns of table ${table}`, () => describeTable(db, table)),
    primaryKey: (table) =>
      run(
        `cannot read the primary key of table ${table}`,
        () =>
          db
            .prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk')
            .pluck()
            .all(table) as string[],
      ),
    hasUniqueKey: (table, columns) =>
      run(`cannot read the unique keys of table ${table}`, () => {
        // The primary key (an INTEGER PRIMARY KEY is the rowid and has no index of its own), then unique indexes.
        const primary = db
          .prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0')
          .pluck()
          .all(table) as string[];
        if (primary.length > 0 && sameColumns(primary, columns)) return true;
        const unique = db
          .prepare('SELECT name FROM pragma_index_list(?) WHERE "unique" = 1 AND partial = 0')
          .pluck()
          .all(table) as string[];
        return unique.some((index) =>
          sameColumns(
            db.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(index) as string[],
            columns,
          ),
        );
      }),
    planKeyRanges: (request: SplitRequest) => planKeyRanges(db, request),
    digest: (request) => run(`cannot digest table ${request.table}`, () => digestRange(db, request)),
    rangeKeys: (request: RangeKeysRequest) =>
      run(`cannot list keys of table ${request.table}`, () => {
        const key = quoteIdent(request.key);
        const keys = db
          .prepare(
            `SELECT ${key} FROM ${quoteIdent(request.table)}${whereSql(request, `${key} IS NOT NULL`)} ` +
              `ORDER BY ${key} LIMIT ${request.limit + 1}`,
          )
          .pluck()
          .safeIntegers(true)
          .all() as (bigint | number)[];
        return keys.length > request.limit
          ? null
          : keys.map((k) => (typeof k === 'bigint' ? k : BigInt(Math.floor(k))));
      }),
    close: async () => {
      db.close();
    },
  };
}
