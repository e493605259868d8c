import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipelineText, formatProblem } from '../config/index';
import { defaultRegistry } from '../default-registry';
import { silentLogger } from '../engine/component';
import type { RunResult } from '../engine/runtime';
import { runLoadedConfig } from '../jobs/run-config';

/*
 * Bottleneck attribution with real connectors, one run per verdict: a SQLite target committing
 * every row in its own transaction (sink-bound), a chain of string-heavy transforms (cpu-bound), and
 * a PostgreSQL query that sleeps as it produces rows, read through a small cursor (source-bound;
 * PostgreSQL at 127.0.0.1:5432, user postgres). Each run lasts well over the second a verdict needs.
 */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fustgo-bottleneck-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(name: string, yaml: string): Promise<RunResult> {
  const loaded = await loadPipelineText(yaml, `${name}.yaml`, dir);
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  return runLoadedConfig(loaded.loaded, defaultRegistry(), {
    logger: silentLogger,
    signal: new AbortController().signal,
  });
}

const generated = (count: number) => `input:
  type: generate
  count: ${count}
  batch_size: 500
  columns:
    - { name: id, generator: sequence }
    - { name: name, generator: choice, values: [alpha beta gamma, delta epsilon, zeta eta theta iota] }
`;

describe('bottleneck attribution with real connectors', () => {
  // Enough rows that even a fast disk takes well over the second a verdict needs.
  it('calls a target that commits every row on its own sink-bound, and says to write bigger batches', async () => {
    const result = await run(
      'sink',
      `version: 1
${generated(60_000)}output:
  type: sqlite
  path: sink.db
  write: { table: t, batch_size: 1 }
`,
    );
    expect(result.status).toBe('completed');
    expect(result.bottleneck).toMatchObject({
      verdict: 'sink-bound',
      suggestion: 'bigger_batches',
      lanes: 1,
    });
    expect(result.bottleneck?.shares.sink).toBeGreaterThan(0.6);
    expect(result.stages?.read_blocked_ms).toBeGreaterThan(result.stages?.read_wait_ms ?? Infinity);
    expect(result.stages?.write_batches).toBe(120);
    expect(result.notes).toContainEqual(
      expect.stringMatching(/^sink-bound: the writer was busy \d+% of the time/),
    );
    expect(result.notes.at(-1)).toContain('raise output.write.batch_size');
  });

  it('calls a chain of heavy transforms cpu-bound, and says to lighten it', async () => {
    const heavy = Array.from(
      { length: 12 },
      (_, i) => `    - type: transform
      set:
        k${i}: "REGEXP_REPLACE(UPPER(CONCAT(name, ' ', CAST(id AS STRING), ' ', name)), '([AEIOU])', '<\\\\1>')"
        l${i}: "LPAD(REPLACE(LOWER(name), ' ', '-'), 40, '*')"`,
    ).join('\n');
    const result = await run(
      'cpu',
      `version: 1
${generated(40_000)}pipeline:
  processors:
${heavy}
output:
  type: sqlite
  path: cpu.db
  write: { table: t, batch_size: 5000 }
`,
    );
    expect(result.status).toBe('completed');
    expect(result.bottleneck).toMatchObject({ verdict: 'cpu-bound', suggestion: 'lighter_processing' });
    expect(result.bottleneck?.shares.cpu).toBeGreaterThan(0.5);
    expect(result.notes.at(-1)).toMatch(/^cpu-bound: the processors were busy \d+% of the time on one lane/);
  });

  it('calls a slow source query source-bound on one lane, and says to split the read', async () => {
    // At least 0.8 s of server time: 0.4 ms or more of sleep per row, fetched 200 rows at a time.
    const result = await run(
      'source',
      `version: 1
input:
  type: postgresql
  connection: { host: 127.0.0.1, port: 5432, database: postgres, username: postgres }
  query:
    sql: "SELECT g AS id, md5(g::text) AS digest FROM generate_series(1, 2000) AS g, LATERAL (SELECT pg_sleep(0.0004 + g * 0)) AS pause"
  fetch: { size: 200 }
output:
  type: sqlite
  path: source.db
  write: { table: t }
`,
    );
    expect(result.status).toBe('completed');
    expect(result.records_written).toBe(2000);
    expect(result.bottleneck).toMatchObject({ verdict: 'source-bound', suggestion: 'split_reads', lanes: 1 });
    expect(result.bottleneck?.shares.source).toBeGreaterThan(0.6);
    expect(result.stages?.write_wait_ms).toBeGreaterThan(result.stages?.write_busy_ms ?? Infinity);
    expect(result.notes.at(-1)).toBe(
      `source-bound: the reader waited on the source ${Math.round((result.bottleneck?.shares.source ?? 0) * 100)}% of the time on one lane; set pipeline.channels (e.g. 4) with a query.split_key so lanes read ranges in parallel`,
    );
  });
});
