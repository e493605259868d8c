import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecutionRepo } from './execution-repo';
import { createJobRepo } from './job-repo';
import { migrations } from './migrations';
import { openStore, type Store } from './open-store';

const YAML = 'version: 1\ninput: { type: generate }\noutput: { type: file }\n';

describe('metadata store', () => {
  let dataDir: string;
  let store: Store;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-store-'));
    store = await openStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs migrations once and keeps the data when reopened', async () => {
    await createJobRepo(store.db).insert(
      { id: 'j1', name: 'orders', description: '', config_yaml: YAML, flow_diagram: null },
      '2025-01-01T00:00:00.000Z',
    );
    store = await reopen(store, dataDir);
    store = await reopen(store, dataDir);
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(migrations));
    expect((await createJobRepo(store.db).list()).map((j) => j.name)).toEqual(['orders']);
  });

  it('creates, reads, updates and deletes jobs', async () => {
    const jobs = createJobRepo(store.db);
    const created = await jobs.insert(
      {
        id: 'j1',
        name: 'orders',
        description: 'daily',
        config_yaml: YAML,
        flow_diagram: { input: { x: 1, y: 2 } },
      },
      '2025-01-01T00:00:00.000Z',
    );
    expect(created).toEqual({
      id: 'j1',
      name: 'orders',
      description: 'daily',
      config_yaml: YAML,
      flow_diagram: { input: { x: 1, y: 2 } },
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2025-01-01T00:00:00.000Z',
      state: 'ready',
      enabled: true,
    });
    expect(await jobs.getByName('orders')).toEqual(created);

    const updated = await jobs.update(
      'j1',
      { name: 'orders-v2', flow_diagram: null },
      '2025-01-02T00:00:00.000Z',
    );
    expect(updated).toMatchObject({ name: 'orders-v2', description: 'daily', flow_diagram: null });
    expect(updated?.updated_at).toBe('2025-01-02T00:00:00.000Z');
    expect(await jobs.update('missing', { name: 'x' }, '2025-01-02T00:00:00.000Z')).toBeUndefined();

    await expect(
      jobs.insert(
        { id: 'j2', name: 'orders-v2', description: '', config_yaml: YAML, flow_diagram: null },
        'now',
      ),
    ).rejects.toThrow(/UNIQUE/);

    expect(await jobs.delete('j1')).toBe(true);
    expect(await jobs.delete('j1')).toBe(false);
    expect(await jobs.get('j1')).toBeUndefined();
  });

  it('records executions, finds the latest and active ones, and fails unfinished ones', async () => {
    const jobs = createJobRepo(store.db);
    const executions = createExecutionRepo(store.db);
    await jobs.insert({ id: 'j1', name: 'a', description: '', config_yaml: YAML, flow_diagram: null }, 't');
    await jobs.insert({ id: 'j2', name: 'b', description: '', config_yaml: YAML, flow_diagram: null }, 't');
    await executions.insert({ id: 'e1', job_id: 'j1' }, '2025-01-01T00:00:00.000Z');
    await executions.update('e1', {
      status: 'completed',
      records_read: 10,
      records_written: 9,
      checkpoint: { '0': { offset: 10 } },
    });
    const pending = await executions.insert({ id: 'e2', job_id: 'j1' }, '2025-01-01T00:01:00.000Z');
    expect(pending).toMatchObject({ status: 'pending', records_read: 0, error: null, checkpoint: null });

    expect(await executions.get('e1')).toMatchObject({
      status: 'completed',
      records_read: 10,
      records_written: 9,
      checkpoint: { '0': { offset: 10 } },
    });
    expect((await executions.list({ job_id: 'j1' })).map((e) => e.id)).toEqual(['e2', 'e1']);
    expect((await executions.list({ limit: 1 })).map((e) => e.id)).toEqual(['e2']);
    const latest = await executions.latestByJob();
    expect([...latest.keys()]).toEqual(['j1']);
    expect(latest.get('j1')?.id).toBe('e2');
    expect((await executions.active('j1'))?.id).toBe('e2');
    expect(await executions.active('j2')).toBeUndefined();

    expect(await executions.failUnfinished('interrupted', '2025-01-02T00:00:00.000Z')).toHaveLength(1);
    expect(await executions.get('e2')).toMatchObject({ status: 'failed', error: 'interrupted' });
    expect(await executions.get('e1')).toMatchObject({ status: 'completed', error: null });
  });

  it('deletes a job’s executions with the job', async () => {
    const jobs = createJobRepo(store.db);
    const executions = createExecutionRepo(store.db);
    await jobs.insert({ id: 'j1', name: 'a', description: '', config_yaml: YAML, flow_diagram: null }, 't');
    await executions.insert({ id: 'e1', job_id: 'j1' }, 't1');
    await executions.insert({ id: 'e2', job_id: 'j1' }, 't2');
    await jobs.delete('j1');
    expect(await executions.list()).toEqual([]);
  });
});

/** Closes and opens the store again (migrations run a second time). */
async function reopen(store: Store, dataDir: string): Promise<Store> {
  await store.close();
  return openStore({ dataDir });
}
