import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, parseDocument, type Document } from 'yaml';
import {
  createTestDatabases,
  dropTestDatabases,
  rowsOn,
  type TestDatabases,
  type TestTarget,
} from '../../connectors/shared/sql/test-databases';
import { REPO_ROOT } from '../cli/test-cli';
import { buildPlan, loadAndValidate } from '../config';
import { defaultRegistry } from '../default-registry';
import { silentLogger } from '../engine/component';
import { runPipeline, type RunResult } from '../engine/runtime';
import { runElt } from './run-elt';

/*
 * Every example pipeline, its outputs pointed at tables of one database, runs both ways: ETL (the
 * engine transforms) and ELT (the database does, as SQL). The tables must hold the same rows.
 */

const DB = 'fustgo_elt_examples';
const EXAMPLES = join(REPO_ROOT, 'resources/examples');
const registry = defaultRegistry();
let dir: string;
let dbs: TestDatabases;

const SQL_WRITE_MODES = new Set(['insert', 'upsert', 'merge']);

/** The output section written in place of an example's, into `table` of the target database. */
function sqlOutput(
  target: TestTarget,
  table: string,
  original: Record<string, unknown>,
): Record<string, unknown> {
  const write = (original.write ?? {}) as { mode?: string };
  const mode = write.mode !== undefined && SQL_WRITE_MODES.has(write.mode) ? write.mode : 'insert';
  const where =
    target === 'sqlite'
      ? { path: join(dir, 'examples.db') }
      : {
          connection: {
            host: '127.0.0.1',
            database: DB,
            username: target === 'postgresql' ? 'postgres' : 'root',
          },
        };
  return {
    type: target,
    ...where,
    write: { table, mode },
    ...(original.conflict ? { conflict: original.conflict } : {}),
  };
}

/** The name of the table an output becomes: its table, or its file's name. */
function tableName(output: Record<string, unknown>): string {
  const table = (output.write as { table?: string } | undefined)?.table;
  return table ?? basename(String(output.path), extname(String(output.path)));
}

/**
 * The example with `job.type` set and each output (top-level, or each branch's) writing to a table
 * named after it with a suffix; returns the YAML and the tables.
 */
function retarget(
  text: string,
  target: TestTarget,
  jobType: 'ETL' | 'ELT',
): { yaml: string; tables: string[] } {
  const doc: Document = parseDocument(text);
  doc.setIn(['job', 'type'], jobType);
  const tables: string[] = [];
  const replace = (path: (string | number)[]) => {
    const output = (doc.getIn(path) as { toJSON(): Record<string, unknown> }).toJSON();
    const table = `${tableName(output)}_${jobType.toLowerCase()}`;
    tables.push(table);
    doc.setIn(path, doc.createNode(sqlOutput(target, table, output)));
  };
  if (doc.hasIn(['output'])) replace(['output']);
  const processors = (doc.getIn(['pipeline', 'processors']) as { items: unknown[] } | undefined)?.items ?? [];
  processors.forEach((item, i) => {
    if (!isMap(item) || item.get('type') !== 'conditional') return;
    const branches = (item.get('branches') as { items: unknown[] }).items;
    branches.forEach((_branch, b) => replace(['pipeline', 'processors', i, 'branches', b, 'output']));
    if (item.has('else')) replace(['pipeline', 'processors', i, 'else', 'output']);
  });
  return { yaml: doc.toString(), tables };
}

async function runExample(file: string, target: TestTarget, jobType: 'ETL' | 'ELT') {
  const { yaml, tables } = retarget(readFileSync(join(EXAMPLES, file), 'utf8'), target, jobType);
  const path = join(dir, `${target}-${jobType}-${file}`);
  writeFileSync(path, yaml);
  const checked = await loadAndValidate(path, registry, { env: { FUSTGO_EXAMPLES: EXAMPLES } });
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  const ctx = { logger: silentLogger, signal: new AbortController().signal };
  const result: RunResult =
    jobType === 'ELT'
      ? await runElt(checked.loaded, registry, ctx)
      : await runPipeline(await buildPlan(checked.loaded, registry, ctx), ctx);
  expect(result.status, `${file} ${jobType}: ${result.error ?? ''}`).toBe('completed');
  return { result, tables };
}

/** A table's rows, every value as text, sorted: rows have no order in a table. */
async function contents(target: TestTarget, table: string): Promise<string[]> {
  const rows = await rowsOn(dbs, join(dir, 'examples.db'), target, `SELECT * FROM ${table}`);
  return rows
    .map((row) => JSON.stringify(row.map((value) => (value === null ? null : String(value)))))
    .sort();
}

const examples = readdirSync(EXAMPLES).filter((file) => file.endsWith('.yaml'));

describe('every example, ETL and ELT', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-elt-examples-'));
    dbs = await createTestDatabases(DB);
  });
  afterAll(async () => {
    await dropTestDatabases(DB, dbs ?? {});
    rmSync(dir, { recursive: true, force: true });
  });

  for (const target of ['sqlite', 'postgresql', 'mysql'] as const)
    it.each(examples)(`%s gives the same ${target} tables both ways`, async (file) => {
      const etl = await runExample(file, target, 'ETL');
      const elt = await runExample(file, target, 'ELT');
      expect(elt.result.records_read).toBe(etl.result.records_read);
      expect(elt.result.records_written).toBe(etl.result.records_written);
      expect(elt.result.notes.join('\n')).toMatch(/ELT: loaded \d+ rows into staging table/);
      for (const [i, table] of etl.tables.entries()) {
        const rows = await contents(target, table);
        expect(rows.length, table).toBeGreaterThan(0);
        expect(await contents(target, elt.tables[i]), `${elt.tables[i]} vs ${table}`).toEqual(rows);
      }
    });
});
