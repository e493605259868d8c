import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * Dead letters through the studio: a job whose PostgreSQL table refuses rows runs; its dead
 * letters page lists them by place, one is fixed in the row editor, exported, and replayed
 * through the pipeline after a look at the derived config; the replay shows as completed and
 * the table then holds the fixed row.
 */

const ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };
const DB = `fustgo_e2e_deadletters_${randomBytes(4).toString('hex')}`;

const PEOPLE = [
  { id: 1, name: 'Ada', qty: 2, amount: '12.50', created: '2024-03-01T10:00:00Z' },
  { id: 2, name: null, qty: 4, amount: '7.25', created: '2024-03-02T11:30:00Z' },
  { id: 3, name: 'Grace', qty: 0, amount: '3.00', created: '2024-03-03T00:00:00Z' },
  { id: 4, name: 'Edsger, "E.W."', qty: 1, amount: '-5.00', created: '2024-03-04T00:00:00Z' },
  { id: 5, name: 'Barbara', qty: 5, amount: '0.10', created: '2024-03-05T00:00:00Z' },
];

const CONFIG = `version: 1
job: { name: people-e2e }
input:
  type: file
  path: people.jsonl
  columns:
    - { name: id, type: int }
    - { name: name, type: string }
    - { name: qty, type: int }
    - { name: amount, type: decimal }
    - { name: created, type: timestamptz }
pipeline:
  error_limit: 10
  processors:
    - type: transform
      set: { per_unit: 10 / qty }
output:
  type: postgresql
  connection: { host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }
  write: { table: people, create_table: false }
`;

describe('dead letters in the studio', () => {
  let session: StudioSession;
  let page: Page;
  let pg: Client;
  let api: (method: string, path: string, body?: unknown) => Promise<unknown>;

  beforeAll(async () => {
    const admin = new Client(ADMIN);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DB}`);
    await admin.end();
    pg = new Client({ ...ADMIN, database: DB });
    await pg.connect();
    await pg.query(`CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, qty int,
      amount numeric(12, 2) CHECK (amount >= 0), created timestamptz, per_unit numeric)`);
    session = await openStudioSession('dead-letters');
    page = session.page;
    api = async (method, path, body) => {
      const response = await fetch(`${session.server.url}/api/v1${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text) as unknown;
    };
  });

  afterAll(async () => {
    await session?.close();
    await pg?.end();
    const admin = new Client(ADMIN);
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.end();
  });

  /** Resolves once the execution has ended. */
  async function finished(id: string): Promise<{ status: string; records_failed: number }> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const execution = (await api('GET', `/executions/${id}`)) as { status: string; records_failed: number };
      if (['completed', 'failed', 'cancelled'].includes(execution.status)) return execution;
      if (Date.now() > deadline) throw new Error(`execution ${id} is still ${execution.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const rows = () => page.getByTestId('dead-letter-row');

  it('lists, fixes, exports and replays the rows a run could not deliver', async () => {
    const job = (await api('POST', '/jobs', { name: 'people-e2e', config_yaml: CONFIG })) as { id: string };
    mkdirSync(join(session.dataDir, 'jobs', job.id), { recursive: true });
    writeFileSync(
      join(session.dataDir, 'jobs', job.id, 'people.jsonl'),
      PEOPLE.map((p) => JSON.stringify(p)).join('\n'),
    );
    const execution = (await api('POST', `/jobs/${job.id}/start`)) as { id: string };
    expect(await finished(execution.id)).toMatchObject({ status: 'completed', records_failed: 3 });

    await page.goto(`${session.server.url}/#/jobs/${job.id}/executions/${execution.id}/dead-letters`);
    await page.getByTestId('dead-letters-page').waitFor();
    await rows().first().waitFor();
    expect(await rows().count()).toBe(3);
    expect(await page.getByTestId('dead-letters-total').getAttribute('data-total')).toBe('3');
    expect(await page.getByTestId('dead-letters-file').textContent()).toContain(`${execution.id}.jsonl`);
    await screenshot(page, 'dead-letters-01-listed');

    // Filter by place, then search.
    await page.getByTestId('dead-letters-place').selectOption('output');
    await expect.poll(() => rows().count()).toBe(2);
    await page.getByTestId('dead-letters-search').fill('not-null');
    await expect.poll(() => rows().count()).toBe(1);
    const row = rows().first();
    expect(await row.getByTestId('dead-letter-error').textContent()).toMatch(/violates not-null constraint/);

    // Fix the row in place.
    await row.getByTestId('dead-letter-edit').click();
    const editor = page.getByTestId('dead-letter-editor');
    await editor.waitFor();
    const name = editor.locator('[data-testid="dead-letter-field"][data-column="name"]');
    expect(await name.getByTestId('dead-letter-field-null').isChecked()).toBe(true);
    await name.getByTestId('dead-letter-field-input').fill('Alan');
    await screenshot(page, 'dead-letters-02-editing');
    await editor.getByTestId('dead-letter-save').click();
    await editor.waitFor({ state: 'detached' });
    await rows().first().getByTestId('dead-letter-edited').waitFor();

    // Export what the filter shows, as CSV.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('dead-letters-export-csv').click(),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(download.suggestedFilename()).toBe(`dead-letters-people-e2e-${execution.id.slice(0, 8)}.csv`);
    expect(csv.split('\n')[0]).toBe('id,name,qty,amount,created,per_unit,place,error,time');
    expect(csv.split('\n')[1]).toMatch(
      /^2,Alan,4,7\.25,2024-03-02T11:30:00\.000Z,2\.5,output,"?null value in column/,
    );

    // Rows of two places cannot be replayed together.
    await page.getByTestId('dead-letters-search').fill('');
    await page.getByTestId('dead-letters-place').selectOption('');
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByTestId('dead-letters-select-page').check();
    await page.getByTestId('dead-letters-mixed').waitFor();
    expect(await page.getByTestId('dead-letters-replay').isDisabled()).toBe(true);
    await screenshot(page, 'dead-letters-03-mixed');
    await page.getByTestId('dead-letters-select-page').uncheck();

    // Replay the fixed row, after a look at the derived config.
    const fixed = page.locator('[data-testid="dead-letter-row"]', {
      has: page.getByTestId('dead-letter-edited'),
    });
    await fixed.getByTestId('dead-letter-select').check();
    await page.getByTestId('dead-letters-replay').click();
    const dialog = page.getByTestId('dead-letter-replay-dialog');
    await dialog.waitFor();
    const steps = await dialog
      .getByTestId('dead-letter-replay-step')
      .evaluateAll((items) =>
        items.map((item) => `${item.getAttribute('data-path')}: ${item.firstChild?.textContent}`),
      );
    expect(steps).toEqual(['input: file', 'output: postgresql']);
    // Monaco shows spaces as no-break spaces.
    const configText = async () =>
      ((await dialog.locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
    await expect.poll(configText).toContain('# Replay of 1 dead letter');
    expect(await configText()).toContain('path: dead-letter/replay-');
    await screenshot(page, 'dead-letters-04-replay-dialog');
    await dialog.getByTestId('dead-letter-replay-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('dead-letters-notice').waitFor();
    const replay = page.getByTestId('dead-letter-replay').first();
    await replay.locator('[data-testid="dead-letter-replay-status"][data-status="completed"]').waitFor({
      timeout: 60_000,
    });
    expect(await replay.getByTestId('dead-letter-replay-summary').textContent()).toMatch(
      /^Replayed 1 row from output \(1 edited\) → execution [0-9a-f]{8}$/,
    );
    expect(await replay.getByTestId('dead-letter-replay-counts').textContent()).toBe('written 1, failed 0');
    await fixed.getByTestId('dead-letter-replayed').waitFor();
    await screenshot(page, 'dead-letters-05-replayed');

    const { rows: stored } = await pg.query<{ id: number; name: string; amount: string }>(
      'SELECT id, name, amount::text AS amount FROM people ORDER BY id',
    );
    expect(stored).toEqual([
      { id: 1, name: 'Ada', amount: '12.50' },
      { id: 2, name: 'Alan', amount: '7.25' },
      { id: 5, name: 'Barbara', amount: '0.10' },
    ]);

    await session.studio.switchLanguage('zh-CN');
    expect(await page.locator('.deadletters-panel .panel-title').first().textContent()).toContain('死信');
    expect(await replay.getByTestId('dead-letter-replay-summary').textContent()).toMatch(
      /^从 输出 重放了 1 行 \(1 行已编辑\) → 执行 [0-9a-f]{8}$/,
    );
    await screenshot(page, 'dead-letters-06-zh');
    await session.studio.switchLanguage('en');
    expect(session.pageErrors).toEqual([]);
  });
});
