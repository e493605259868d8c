import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard } from '../../src-shared/api/monitor-model';
import type { Execution } from '../../src-shared/api/model';
import { createForkLauncher } from '../jobs/run-launcher';
import { startServer, type RunningServer } from '../server/http-server';
import { createServices, type Services } from '../services';

/*
 * Monitoring with real parts: the services run real jobs in real run processes behind the real
 * HTTP server; Prometheus's view (`GET /metrics`) and the dashboard (`GET /api/v1/dashboard`)
 * must show exactly what the runs did.
 */

const workerPath = fileURLToPath(new URL('../jobs/run-worker.ts', import.meta.url));
const ROWS = 60_000;

/** Generated rows into SQLite in transactions of 40 rows: a run of a few seconds. */
const copy = `version: 1
input:
  type: generate
  count: ${ROWS}
  batch_size: 1000
  columns:
    - { name: id, generator: sequence }
    - { name: note, generator: choice, values: [a, b, c] }
output:
  type: sqlite
  path: out.db
  write: { table: t, batch_size: 40 }
`;

/** 20 ids into a table that refuses every 4th: the run fails (no error is tolerated). */
const refused = `version: 1
input:
  type: generate
  count: 20
  columns:
    - { name: id, generator: sequence }
output:
  type: sqlite
  path: out.db
  write: { table: ids, create_table: false }
`;

let dataDir: string;
let services: Services;
let server: RunningServer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-monitor-'));
  services = await createServices({
    dataDir,
    examplesDir: join(dataDir, 'none'),
    launcher: createForkLauncher({ workerPath, execArgv: ['--import', 'tsx'] }),
    logger: pino({ level: 'silent' }),
    persistIntervalMs: 100,
  });
  server = await startServer({ services, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await services?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function scrape(): Promise<string> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function finished(id: string): Promise<Execution> {
  for (let i = 0; i < 1200; i++) {
    const execution = await services.api.getExecution({ id });
    if (!['queued', 'pending', 'running'].includes(execution.status)) return execution;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`execution ${id} did not finish`);
}

describe('monitoring', () => {
  it('shows real runs in /metrics and on the dashboard', async () => {
    const job = await services.api.createJob({ name: 'ids-copy', config_yaml: copy });
    const started = await services.api.startJob({ id: job.id });

    // While it runs: one run in progress, with a checkpoint age and a live rate.
    let during = '';
    for (let i = 0; i < 400; i++) {
      during = await scrape();
      if ((sample(during, 'fustgo_records_processed_total{job="ids-copy"}') ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(sample(during, 'fustgo_jobs_running')).toBe(1);
    expect(sample(during, 'fustgo_checkpoint_age_seconds{job="ids-copy"}')).toBeGreaterThanOrEqual(0);
    expect(sample(during, 'fustgo_checkpoint_age_seconds{job="ids-copy"}')).toBeLessThan(30);
    const live = (await (
      await fetch(`${server.url}/api/v1/dashboard?utc_offset_minutes=480`)
    ).json()) as Dashboard;
    expect(live.active).toEqual([
      expect.objectContaining({
        execution_id: started.id,
        job_name: 'ids-copy',
        status: 'running',
        total: ROWS,
      }),
    ]);

    const copied = await finished(started.id);
    expect(copied).toMatchObject({ status: 'completed', records_written: ROWS });

    const failing = await services.api.createJob({ name: 'strict-ids', config_yaml: refused });
    const folder = join(dataDir, 'jobs', failing.id);
    mkdirSync(folder, { recursive: true });
    const db = new Database(join(folder, 'out.db'));
    db.exec('CREATE TABLE ids (id INTEGER PRIMARY KEY CHECK (id % 4 <> 0))');
    db.close();
    const failed = await finished((await services.api.startJob({ id: failing.id })).id);
    expect(failed.status).toBe('failed');

    const after = await scrape();
    expect(sample(after, 'fustgo_jobs_total{status="completed"}')).toBe(1);
    expect(sample(after, 'fustgo_jobs_total{status="failed"}')).toBe(1);
    expect(sample(after, 'fustgo_jobs_running')).toBe(0);
    expect(sample(after, 'fustgo_queue_depth')).toBe(0);
    // Each run's rows once, however many progress events reported them.
    expect(sample(after, 'fustgo_records_processed_total{job="ids-copy"}')).toBe(ROWS);
    expect(sample(after, 'fustgo_records_written_total{job="ids-copy"}')).toBe(ROWS);
    expect(sample(after, 'fustgo_records_processed_total{job="strict-ids"}')).toBe(failed.records_read);
    expect(sample(after, 'fustgo_records_failed_total{job="strict-ids"}')).toBe(failed.records_failed);
    expect(sample(after, 'fustgo_bytes_transferred_total{job="ids-copy"}')).toBe(copied.bytes_read);
    expect(sample(after, 'fustgo_throughput_records_per_second{job="ids-copy"}')).toBe(0);
    expect(sample(after, 'fustgo_checkpoint_age_seconds{job="ids-copy"}')).toBeUndefined();
    expect(sample(after, 'fustgo_run_duration_seconds_count{status="completed"}')).toBe(1);
    expect(sample(after, 'fustgo_run_duration_seconds_sum{status="completed"}')).toBeGreaterThan(0);
    expect(after).toContain('process_resident_memory_bytes');

    // What held the copy back is stored with it.
    expect(copied.bottleneck?.stages.write_batches).toBe(ROWS / 1000);
    expect(copied.bottleneck?.stages.write_p95_ms).toBeGreaterThan(0);

    const response = await fetch(`${server.url}/api/v1/dashboard?utc_offset_minutes=480`);
    expect(response.status).toBe(200);
    const dashboard = (await response.json()) as Dashboard;
    expect(dashboard.utc_offset_minutes).toBe(480);
    expect(dashboard.jobs.total).toBe(2);
    expect(dashboard.runs).toMatchObject({ completed: 1, failed: 1, success_rate: 0.5 });
    expect(dashboard.records.today.written).toBe(ROWS + failed.records_written);
    expect(dashboard.records.month.written).toBe(ROWS + failed.records_written);
    expect(dashboard.active).toEqual([]);
    expect(dashboard.recent_failures).toEqual([
      expect.objectContaining({ execution_id: failed.id, job_name: 'strict-ids' }),
    ]);
    expect(dashboard.recent_failures[0].error).not.toContain('\n');
    // Every row written in the last hour is in the minute series, once.
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(dashboard.series.records_written)).toBe(ROWS + failed.records_written);
    expect(sum(dashboard.series.write_batches)).toBeGreaterThanOrEqual(ROWS / 1000);
    expect(dashboard.latency[0]).toMatchObject({
      execution_id: expect.any(String),
      batches: expect.any(Number),
    });
    expect(dashboard.latency.map((l) => l.execution_id)).toContain(copied.id);
  });
});
