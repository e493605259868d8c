import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditExport, AuditPage } from '../../src-shared/api/audit-model';
import type { Execution, Job } from '../../src-shared/api/model';
import { createForkLauncher } from '../jobs/run-launcher';
import { startServer, type RunningServer } from '../server/http-server';
import { createServices, type Services } from '../services';
import { openStore } from '../store/open-store';
import { createAuditLog } from './audit-log';
import { runWithRequestContext } from './request-context';

/*
 * The audit log as `fustgo serve` keeps it: real services behind the real HTTP server, called the
 * way a client calls them. Each change is recorded with who (the `x-fustgo-user` header, else
 * `api`) and from where (the client's address); a config change carries its YAML diff; secrets
 * never reach the log.
 */

const workerPath = fileURLToPath(new URL('../jobs/run-worker.ts', import.meta.url));

const config = (count: number) => `version: 1
input:
  type: generate
  count: ${count}
  columns:
    - { name: id, generator: sequence }
output:
  type: file
  path: out.csv
`;

let dataDir: string;
let services: Services;
let server: RunningServer;

async function call<T>(method: string, path: string, body?: unknown, user?: string): Promise<T> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(user ? { 'x-fustgo-user': user } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function finished(id: string): Promise<Execution> {
  for (let i = 0; i < 300; i++) {
    const execution = await call<Execution>('GET', `/executions/${id}`);
    if (!['queued', 'pending', 'running'].includes(execution.status)) return execution;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`execution ${id} did not finish`);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-audit-http-'));
  services = await createServices({
    dataDir,
    examplesDir: join(dataDir, 'none'),
    launcher: createForkLauncher({ workerPath, execArgv: ['--import', 'tsx'] }),
    logger: pino({ level: 'silent' }),
  });
  server = await startServer({ services, port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server?.close();
  await services?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the audit log over HTTP', () => {
  it('records job changes with who, from where and the YAML diff', async () => {
    const job = await call<Job>('POST', '/jobs', { name: 'orders', config_yaml: config(10) }, 'ann');
    await call<Job>(
      'PUT',
      `/jobs/${job.id}`,
      { id: job.id, name: 'orders-2', config_yaml: config(20) },
      'ann',
    );
    // Only the layout changed: no entry.
    await call<Job>('PUT', `/jobs/${job.id}`, { id: job.id, flow_diagram: { input: { x: 1, y: 2 } } }, 'ann');
    const execution = await call<Execution>('POST', `/jobs/${job.id}/start`, {});
    expect((await finished(execution.id)).status).toBe('completed');

    const page = await call<AuditPage>('GET', `/audit?limit=50&offset=0&target_id=${job.id}`);
    expect(page.total).toBe(3);
    const [started, changed, created] = page.entries;
    expect(created).toMatchObject({
      action: 'job.created',
      actor: 'ann',
      origin: '127.0.0.1',
      target_kind: 'job',
      target_name: 'orders',
    });
    expect(changed).toMatchObject({
      action: 'job.changed',
      actor: 'ann',
      target_name: 'orders-2',
      detail: { changes: [{ field: 'name', from: 'orders', to: 'orders-2' }] },
    });
    expect(changed.detail.diff).toContain('--- a/orders.yaml\n+++ b/orders-2.yaml');
    expect(changed.detail.diff).toContain('-  count: 10\n+  count: 20');
    expect(started).toMatchObject({
      action: 'job.started',
      actor: 'api',
      origin: '127.0.0.1',
      detail: { execution_id: execution.id },
    });

    // The lifecycle routes are recorded by name too.
    await call<Job>('PUT', `/jobs/${job.id}/enabled`, { enabled: false }, 'bob');
    const clone = await call<Job>('POST', `/jobs/${job.id}/clone`, { name: 'orders-copy' }, 'bob');
    const lifecycle = await call<AuditPage>('GET', '/audit?limit=2&offset=0&q=bob');
    expect(lifecycle.entries).toMatchObject([
      {
        action: 'job.cloned',
        target_id: clone.id,
        target_name: 'orders-copy',
        detail: { source_id: job.id },
      },
      { action: 'job.disabled', target_id: job.id, target_name: 'orders-2' },
    ]);

    await call('DELETE', `/jobs/${job.id}`, undefined, 'bob');
    const deleted = await call<AuditPage>('GET', `/audit?limit=1&offset=0&action=job.deleted`);
    expect(deleted.entries[0]).toMatchObject({ actor: 'bob', target_name: 'orders-2', target_id: job.id });
  });

  it('records connection changes without ever holding a secret', async () => {
    const created = await call<{ id: string }>(
      'POST',
      '/connections',
      {
        name: 'warehouse',
        type: 'postgresql',
        config: { host: 'db1', port: 5432, database: 'dw', username: 'etl', password: 'hunter2-secret' },
      },
      'ann',
    );
    await call('PUT', `/connections/${created.id}`, {
      id: created.id,
      config: { host: 'db2', port: 5432, database: 'dw', username: 'etl', password: 'other-secret' },
    });
    await call('DELETE', `/connections/${created.id}`);
    const page = await call<AuditPage>('GET', `/audit?limit=50&offset=0&target_id=${created.id}`);
    expect(page.entries.map((e) => e.action)).toEqual([
      'connection.deleted',
      'connection.changed',
      'connection.created',
    ]);
    expect(page.entries[1].detail.changes).toEqual([
      { field: 'config.host', from: 'db1', to: 'db2' },
      { field: 'config.password', secret: true },
    ]);
    const everything = await call<AuditExport>('GET', '/audit/export?format=jsonl');
    expect(everything.content).not.toMatch(/hunter2|other-secret/);
  });

  it('searches, pages and exports', async () => {
    await call('PUT', '/settings', { patch: { retention: { audit_days: 60 } } }, 'carol');
    const found = await call<AuditPage>('GET', `/audit?limit=5&offset=0&q=${encodeURIComponent('CAROL')}`);
    expect(found.entries).toMatchObject([
      {
        action: 'settings.changed',
        actor: 'carol',
        detail: { changes: [{ field: 'retention.audit_days', to: 60 }] },
      },
    ]);
    const all = await call<AuditPage>('GET', '/audit?limit=500&offset=0');
    const second = await call<AuditPage>('GET', '/audit?limit=2&offset=2');
    expect(second.entries.map((e) => e.id)).toEqual(all.entries.slice(2, 4).map((e) => e.id));
    const future = await call<AuditPage>(
      'GET',
      `/audit?limit=5&offset=0&from=${encodeURIComponent('2999-01-01T00:00:00Z')}`,
    );
    expect(future.total).toBe(0);

    const csv = await call<AuditExport>('GET', '/audit/export?format=csv&action=settings.changed');
    expect(csv).toMatchObject({ content_type: 'text/csv', count: 1 });
    expect(csv.content.split('\r\n')[1]).toMatch(
      /^\d{4}-.*,carol,127\.0\.0\.1,settings\.changed,settings,app,settings\.yaml,/,
    );
  });
});

describe('the audit log and runs nobody asked for', () => {
  it('records runs the scheduler starts from their job_state events, and not twice those a call started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fustgo-audit-events-'));
    const store = await openStore({ dataDir: dir });
    try {
      const audit = createAuditLog({
        db: store.db,
        logger: pino({ level: 'silent' }),
        jobName: async () => 'nightly',
      });
      const state = (to: 'running' | 'queued', from: 'ready' | 'queued', actor: string) =>
        ({
          type: 'job_state',
          job_id: 'j1',
          execution_id: 'e1',
          from,
          to,
          actor,
          reason: 'cron 0 2 * * *',
          time: new Date().toISOString(),
        }) as const;
      audit.handleEvent(state('running', 'ready', 'scheduler'));
      audit.handleEvent(state('running', 'queued', 'scheduler')); // the same run leaving the queue
      runWithRequestContext({ actor: 'ann', origin: 'desktop', audited: true }, () =>
        audit.handleEvent(state('running', 'ready', 'ann')),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      await audit.close();
      const { entries } = await audit.api.listAudit({ limit: 10, offset: 0 });
      expect(entries).toEqual<AuditEntry[]>([
        expect.objectContaining({
          action: 'job.started',
          actor: 'scheduler',
          origin: 'internal',
          target_id: 'j1',
          target_name: 'nightly',
          detail: { execution_id: 'e1', trigger: 'cron 0 2 * * *' },
        }) as AuditEntry,
      ]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
