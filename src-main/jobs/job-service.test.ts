import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../services';
import { createExecutionRepo } from '../store/execution-repo';
import { createJobRepo } from '../store/job-repo';
import { openStore } from '../store/open-store';
import { ApiError } from '../../src-shared/api/errors';
import type { StudioEvent } from '../../src-shared/api/model';
import { INTERRUPTED_ERROR } from './job-service';
import { createForkLauncher, type RunHandle, type RunLauncher } from './run-launcher';

const workerPath = fileURLToPath(new URL('./run-worker.ts', import.meta.url));
const examplesDir = fileURLToPath(new URL('../../resources/examples', import.meta.url));

/** A fork launcher that also hands the test every run it launched. */
function recordingLauncher(): RunLauncher & { handles: RunHandle[] } {
  const fork = createForkLauncher({ workerPath, execArgv: ['--import', 'tsx'] });
  const handles: RunHandle[] = [];
  return {
    handles,
    launch(start) {
      const handle = fork.launch(start);
      handles.push(handle);
      return handle;
    },
  };
}

function pipeline(rows: number, output: string): string {
  return [
    'version: 1',
    'input:',
    '  type: generate',
    `  count: ${rows}`,
    '  batch_size: 100',
    '  columns:',
    '    - { name: id, generator: sequence }',
    '    - { name: status, generator: choice, values: [paid, void] }',
    'output:',
    '  type: file',
    `  path: ${JSON.stringify(output)}`,
    '',
  ].join('\n');
}

describe('job service', () => {
  let dataDir: string;
  let launcher: ReturnType<typeof recordingLauncher>;
  let services: Services;
  let events: StudioEvent[];

  const start = async () => {
    services = await createServices({
      dataDir,
      examplesDir,
      launcher,
      logger: pino({ level: 'silent' }),
      stopGraceMs: 3000,
    });
    events = [];
    services.onEvent((event) => events.push(event));
  };

  /** Resolves with the first event (already seen or still to come) that matches. */
  const eventWhere = (match: (event: StudioEvent) => boolean, timeoutMs = 20_000) =>
    new Promise<StudioEvent>((resolve, reject) => {
      const seen = events.find(match);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error('no matching event in time')), timeoutMs);
      const off = services.onEvent((event) => {
        if (!match(event)) return;
        clearTimeout(timer);
        off();
        resolve(event);
      });
    });

  const finished = (executionId: string) =>
    eventWhere(
      (e) =>
        e.type === 'job_status' &&
        e.execution_id === executionId &&
        !['queued', 'pending', 'running'].includes(e.status),
    );

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-jobs-'));
    launcher = recordingLauncher();
    await start();
  });
  afterEach(async () => {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a job in its own process and reports status, progress and counts', async () => {
    const output = join(dataDir, 'out', 'rows.csv');
    const job = await services.api.createJob({ name: 'thousand', config_yaml: pipeline(1000, output) });
    const started = await services.api.startJob({ id: job.id });
    expect(started).toMatchObject({ job_id: job.id, status: 'running' });
    expect(started.started_at).not.toBeNull();

    await finished(started.id);
    const statuses = events
      .filter((e) => e.type === 'job_status' && e.execution_id === started.id)
      .map((e) => (e.type === 'job_status' ? e.status : ''));
    expect(statuses).toEqual(['queued', 'pending', 'running', 'completed']);
    const progress = events.filter((e) => e.type === 'job_progress');
    expect(progress.at(-1)).toMatchObject({
      execution_id: started.id,
      records_read: 1000,
      records_written: 1000,
    });

    const execution = await services.api.getExecution({ id: started.id });
    expect(execution).toMatchObject({
      status: 'completed',
      error: null,
      records_read: 1000,
      records_written: 1000,
      records_failed: 0,
    });
    expect(execution.finished_at).not.toBeNull();
    expect(readFileSync(output, 'utf8').trimEnd().split('\n')).toHaveLength(1001);

    const [summary] = await services.api.listJobs({});
    expect(summary).toMatchObject({
      name: 'thousand',
      last_execution: { id: started.id, status: 'completed' },
    });
    expect(await services.api.listExecutions({ job_id: job.id })).toHaveLength(1);
  });

  it('runs jobs in their own folder, with the examples folder as ${FUSTGO_EXAMPLES}', async () => {
    const yaml = [
      'version: 1',
      'input:',
      '  type: file',
      '  path: ${FUSTGO_EXAMPLES}/data/country-codes.csv',
      'output:',
      '  type: file',
      '  path: output/countries.jsonl',
      '',
    ].join('\n');
    const job = await services.api.createJob({ name: 'countries', config_yaml: yaml });
    const started = await services.api.startJob({ id: job.id });
    expect(await finished(started.id)).toMatchObject({ status: 'completed', error: null });
    const lines = readFileSync(join(dataDir, 'jobs', job.id, 'output', 'countries.jsonl'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(249);
    expect(JSON.parse(lines[0])).toMatchObject({ iso2: 'AF', name: 'Afghanistan' });
  });

  it('refuses invalid configs with located problems, duplicate names and unknown ids', async () => {
    const bad = 'version: 1\ninput:\n  type: generat\noutput:\n  type: file\n  path: x.csv\n';
    const refused = await services.api.createJob({ name: 'bad', config_yaml: bad }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'invalid_config' });
    const problems = (refused as ApiError).details as {
      file: string;
      line: number;
      path: string;
      message: string;
    }[];
    expect(problems[0]).toMatchObject({ file: 'bad.yaml', line: 3, path: 'input.type' });
    expect(problems[0].message).toContain('generate');
    expect(await services.api.listJobs({})).toEqual([]);

    const check = await services.api.validateConfig({ config_yaml: bad, file_name: 'check.yaml' });
    expect(check.valid).toBe(false);
    expect(check.problems[0]).toMatchObject({ file: 'check.yaml', line: 3 });

    const job = await services.api.createJob({
      name: 'good',
      config_yaml: pipeline(10, join(dataDir, 'g.csv')),
    });
    await expect(
      services.api.createJob({ name: 'good', config_yaml: job.config_yaml }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(services.api.updateJob({ id: job.id, config_yaml: bad })).rejects.toMatchObject({
      code: 'invalid_config',
    });
    const renamed = await services.api.updateJob({
      id: job.id,
      name: 'better',
      flow_diagram: { input: { x: 1, y: 2 } },
    });
    expect(renamed).toMatchObject({ name: 'better', flow_diagram: { input: { x: 1, y: 2 } } });
    await expect(services.api.getJob({ id: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(services.api.startJob({ id: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await services.api.deleteJob({ id: job.id })).toEqual({ deleted: true });
    await expect(services.api.getJob({ id: job.id })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('marks the execution failed with the reason when the run process dies, and keeps working', async () => {
    const job = await services.api.createJob({
      name: 'big',
      config_yaml: pipeline(100_000_000, join(dataDir, 'big.csv')),
    });
    const started = await services.api.startJob({ id: job.id });
    await expect(services.api.startJob({ id: job.id })).rejects.toMatchObject({ code: 'conflict' });
    await eventWhere((e) => e.type === 'job_progress' && e.records_read > 0);
    launcher.handles[0].kill();

    const status = await finished(started.id);
    expect(status).toMatchObject({
      status: 'failed',
      error: 'run process exited unexpectedly (signal SIGKILL)',
    });
    const execution = await services.api.getExecution({ id: started.id });
    expect(execution).toMatchObject({
      status: 'failed',
      error: 'run process exited unexpectedly (signal SIGKILL)',
    });
    expect(execution.records_read).toBeGreaterThan(0);

    const small = await services.api.createJob({
      name: 'small',
      config_yaml: pipeline(10, join(dataDir, 's.csv')),
    });
    const next = await services.api.startJob({ id: small.id });
    expect(await finished(next.id)).toMatchObject({ status: 'completed' });
  });

  it('stops a running job: the execution ends cancelled', async () => {
    const job = await services.api.createJob({
      name: 'long',
      config_yaml: pipeline(100_000_000, join(dataDir, 'long.csv')),
    });
    expect(await services.api.stopJob({ id: job.id })).toEqual({ stopped: false });
    const started = await services.api.startJob({ id: job.id });
    await eventWhere((e) => e.type === 'job_progress' && e.records_read > 0);
    expect(await services.api.stopJob({ id: job.id })).toEqual({ stopped: true });

    expect(await finished(started.id)).toMatchObject({ status: 'cancelled' });
    const execution = await services.api.getExecution({ id: started.id });
    expect(execution.status).toBe('cancelled');
    expect(execution.records_read).toBeGreaterThan(0);
    expect(execution.records_read).toBeLessThan(100_000_000);
  });

  it('marks executions a previous process left unfinished as failed when it starts', async () => {
    await services.close();
    const store = await openStore({ dataDir });
    await createJobRepo(store.db).insert(
      { id: 'j1', name: 'old', description: '', config_yaml: pipeline(1, 'x.csv'), flow_diagram: null },
      '2025-01-01T00:00:00.000Z',
    );
    const executions = createExecutionRepo(store.db);
    await executions.insert({ id: 'e1', job_id: 'j1' }, '2025-01-01T00:00:00.000Z');
    await executions.update('e1', { status: 'running', started_at: '2025-01-01T00:00:01.000Z' });
    await store.close();

    await start();
    expect(await services.api.getExecution({ id: 'e1' })).toMatchObject({
      status: 'failed',
      error: INTERRUPTED_ERROR,
    });
  });

  it('lists plugins with their schemas and the shipped examples', async () => {
    const plugins = await services.api.listPlugins({});
    expect(plugins).toContainEqual(
      expect.objectContaining({ name: 'generate', kind: 'input', enabled: true }),
    );
    const generate = await services.api.getPlugin({ kind: 'input', name: 'generate' });
    expect(generate.schema).toMatchObject({ type: 'object', properties: { count: { type: 'integer' } } });
    // Every processor takes on_error, which the runtime applies: its schema shows it.
    const filter = await services.api.getPlugin({ kind: 'processor', name: 'filter' });
    expect(filter.schema).toMatchObject({
      properties: { condition: {}, on_error: { default: 'dead_letter' } },
    });
    expect(generate.schema).not.toMatchObject({ properties: { on_error: {} } });
    await expect(services.api.getPlugin({ kind: 'output', name: 'generate' })).rejects.toMatchObject({
      code: 'not_found',
    });
    const examples = await services.api.listExamples({});
    expect(examples.map((e) => e.name)).toContain('generate-to-csv');
    expect(examples.find((e) => e.name === 'generate-to-csv')?.config_yaml).toContain('type: generate');
  });
});
