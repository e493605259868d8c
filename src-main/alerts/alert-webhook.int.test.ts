import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertFiring } from '../../src-shared/api/alert-model';
import type { Execution, StudioEvent } from '../../src-shared/api/model';
import { createForkLauncher } from '../jobs/run-launcher';
import { createServices, type Services } from '../services';
import type { WebhookBody } from './alert-actions';

/*
 * Alerts with real runs: the services run jobs in real run processes; a job fails (its SQLite
 * target refuses rows and its error limit is 0), another completes with a quarter of its rows
 * refused; their rules' webhooks are received by a real HTTP server here, the desktop action
 * reaches the event stream, and a webhook that answers 500 is recorded as failed.
 */

const workerPath = fileURLToPath(new URL('../jobs/run-worker.ts', import.meta.url));

/** 20 ids into table `ids`, which refuses every 4th; `errorLimit` rows may be refused before the run fails. */
const config = (errorLimit: number) => `version: 1
input:
  type: generate
  count: 20
  columns:
    - { name: id, generator: sequence }
pipeline:
  error_limit: ${errorLimit}
output:
  type: sqlite
  path: out.db
  write: { table: ids, create_table: false }
`;

interface Received {
  path: string;
  body: WebhookBody;
}

let dataDir: string;
let services: Services;
let hooks: Server;
let hooksUrl: string;
const received: Received[] = [];
const events: StudioEvent[] = [];

beforeAll(async () => {
  hooks = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookBody,
      });
      response.statusCode = request.url === '/broken' ? 500 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  hooksUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-alerts-'));
  services = await createServices({
    dataDir,
    examplesDir: join(dataDir, 'none'),
    launcher: createForkLauncher({ workerPath, execArgv: ['--import', 'tsx'] }),
    logger: pino({ level: 'silent' }),
  });
  services.onEvent((event) => events.push(event));
});

afterAll(async () => {
  await services?.close();
  await new Promise((resolve) => hooks?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

/** A job whose target table refuses ids divisible by 4. */
async function refusingJob(name: string, errorLimit: number) {
  const job = await services.api.createJob({ name, config_yaml: config(errorLimit) });
  const folder = join(dataDir, 'jobs', job.id);
  mkdirSync(folder, { recursive: true });
  const db = new Database(join(folder, 'out.db'));
  db.exec('CREATE TABLE ids (id INTEGER PRIMARY KEY CHECK (id % 4 <> 0))');
  db.close();
  return job;
}

async function finished(id: string): Promise<Execution> {
  for (let i = 0; i < 600; i++) {
    const execution = await services.api.getExecution({ id });
    if (!['queued', 'pending', 'running'].includes(execution.status)) return execution;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`execution ${id} did not finish`);
}

async function historyOf(ruleId: string, count: number): Promise<AlertFiring[]> {
  for (let i = 0; i < 200; i++) {
    const history = await services.api.listAlertHistory({ rule_id: ruleId });
    if (history.length >= count) return history;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`rule ${ruleId} fired fewer than ${count} times`);
}

describe('alerts', () => {
  it('posts to the webhook and notifies the desktop when a real job fails', async () => {
    const job = await refusingJob('strict-load', 0);
    const rule = await services.api.saveAlertRule({
      name: 'strict-load failed',
      enabled: true,
      job_id: job.id,
      condition: { kind: 'job_failed' },
      actions: [{ type: 'webhook', url: `${hooksUrl}/failed` }, { type: 'desktop' }, { type: 'log' }],
    });
    const execution = await services.api.startJob({ id: job.id });
    const ended = await finished(execution.id);
    expect(ended.status).toBe('failed');

    const [firing] = await historyOf(rule.id, 1);
    expect(firing).toMatchObject({
      rule_name: 'strict-load failed',
      kind: 'job_failed',
      job_id: job.id,
      job_name: 'strict-load',
      execution_id: execution.id,
      test: false,
      results: [
        { type: 'webhook', ok: true, detail: `HTTP 204 No Content from ${hooksUrl}/failed` },
        { type: 'desktop', ok: true },
        { type: 'log', ok: true },
      ],
    });
    expect(firing.message).toMatch(/^Job "strict-load" failed: /);

    const posted = received.filter((r) => r.path === '/failed');
    expect(posted).toHaveLength(1);
    expect(posted[0].body).toMatchObject({
      rule: { id: rule.id, name: 'strict-load failed', condition: { kind: 'job_failed' } },
      job: { id: job.id, name: 'strict-load' },
      execution: { id: execution.id, status: 'failed' },
      message: firing.message,
      fired_at: firing.fired_at,
      test: false,
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'alert_fired',
        rule_id: rule.id,
        job_id: job.id,
        body: firing.message,
      }),
    );
  });

  it('fires error_rate_above once when a run completes with too many rows refused', async () => {
    const job = await refusingJob('lenient-load', 100);
    const rule = await services.api.saveAlertRule({
      name: 'too many refused',
      enabled: true,
      job_id: null,
      condition: { kind: 'error_rate_above', percent: 10 },
      actions: [{ type: 'webhook', url: `${hooksUrl}/rate` }],
    });
    const execution = await services.api.startJob({ id: job.id });
    expect(await finished(execution.id)).toMatchObject({ status: 'completed', records_failed: 5 });
    const [firing] = await historyOf(rule.id, 1);
    expect(firing.message).toBe(
      'Job "lenient-load": 25 % of rows failed (5 of 20 read), above the 10 % limit',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.filter((r) => r.path === '/rate')).toHaveLength(1);
  });

  it('test-fires a rule with a sample message and records a webhook that fails', async () => {
    const rule = await services.api.saveAlertRule({
      name: 'pager',
      enabled: true,
      job_id: null,
      condition: { kind: 'run_longer_than', minutes: 90 },
      actions: [{ type: 'webhook', url: `${hooksUrl}/broken` }, { type: 'desktop' }],
    });
    const firing = await services.api.testAlertRule({ id: rule.id });
    expect(firing).toMatchObject({
      test: true,
      message: 'Test of alert rule "pager": it fires when a run takes longer than 90 minutes (any job).',
      results: [
        {
          type: 'webhook',
          ok: false,
          detail: `HTTP 500 Internal Server Error from ${hooksUrl}/broken (3 attempts)`,
        },
        { type: 'desktop', ok: true },
      ],
    });
    expect(received.filter((r) => r.path === '/broken')).toHaveLength(3);
    expect(received.find((r) => r.path === '/broken')?.body).toMatchObject({
      test: true,
      job: null,
      execution: null,
    });
    expect((await services.api.listAlertHistory({ rule_id: rule.id }))[0]).toEqual(firing);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'alert_fired', rule_id: rule.id, test: true }),
    );
  }, 20_000);
});
