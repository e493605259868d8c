import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql } from '../connectors/mysql/connection';
import {
  createTestDatabases,
  dropTestDatabases,
  type TestDatabases,
} from '../connectors/shared/sql/test-databases';
import { screenshot } from './support/browser';
import type { StudioServer } from './support/studio-server';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * Saved connections in the studio: add them (testing first), use them in a job by name, run it,
 * be refused deleting one a job uses — and never see a password again anywhere: not in the page,
 * an API response, an event, the server's output, the logs, the store or the job's files.
 */

const DB = 'fustgo_e2e_conns';
const MY_USER = 'fustgo_e2e_conn_user';
const MY_PASSWORD = 'E2e-My-Pw-7d41c';
const PG_PASSWORD = 'E2e-Pg-Pw-3b9e0';
const SECRETS = [MY_PASSWORD, PG_PASSWORD];

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((f) => join(folder, f))
    .filter((f) => statSync(f).isFile());
}

describe('saved connections in the studio', () => {
  let session: StudioSession;
  let dataDir: string;
  let server: StudioServer;
  let page: Page;
  let studio: StudioPage;
  let pageErrors: string[];
  let dbs: TestDatabases;
  /** Every API response body and WebSocket frame the page received. */
  let received: string[];

  beforeAll(async () => {
    dbs = await createTestDatabases(DB);
    await runSql(dbs.my, `CREATE USER IF NOT EXISTS '${MY_USER}'@'%' IDENTIFIED BY '${MY_PASSWORD}'`);
    await runSql(dbs.my, `GRANT SELECT ON ${DB}.* TO '${MY_USER}'@'%'`);
    await runSql(
      dbs.my,
      'CREATE TABLE products (id INT PRIMARY KEY, title VARCHAR(60), price DECIMAL(10,2))',
    );
    await runSql(
      dbs.my,
      "INSERT INTO products VALUES (1, 'Tea', 3.50), (2, '绿茶', 12.00), (3, 'Coffee', 4.25)",
    );
    session = await openStudioSession('e2e-conns');
    ({ dataDir, server, page, studio, pageErrors, received } = session);
  });

  afterAll(async () => {
    await session?.close();
    if (dbs) await runSql(dbs.my, `DROP USER IF EXISTS '${MY_USER}'@'%'`);
    await dropTestDatabases(DB, dbs ?? {});
  });

  const dialog = () => page.getByTestId('connection-dialog');

  async function fillConnection(type: string, name: string, fields: Record<string, string>): Promise<void> {
    await page.getByTestId('new-connection').click();
    await dialog().getByTestId('connection-type').selectOption(type);
    await dialog().getByTestId('connection-name').fill(name);
    for (const [field, value] of Object.entries(fields))
      await dialog().getByTestId(`field-${field}`).fill(value);
  }

  it('adds connections after testing them, masking the password', async () => {
    await page.goto(`${server.url}/#/connections`);
    await page.getByTestId('connections-empty').waitFor();

    await fillConnection('mysql', 'shop', {
      host: '127.0.0.1',
      database: DB,
      username: MY_USER,
      password: 'not-the-password',
    });
    const password = dialog().getByTestId('field-password');
    expect(await password.getAttribute('type')).toBe('password');
    await dialog().getByTestId('reveal-password').click();
    expect(await password.getAttribute('type')).toBe('text');
    await dialog().getByTestId('reveal-password').click();

    await dialog().getByTestId('connection-test').click();
    const result = dialog().getByTestId('connection-test-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('false');
    expect(await result.textContent()).toContain(`Access denied for user '${MY_USER}'`);
    expect(await result.textContent()).not.toContain('not-the-password');
    await screenshot(page, 'connections-01-test-failed');

    await password.fill(MY_PASSWORD);
    await dialog().getByTestId('connection-test').click();
    await dialog().locator('[data-testid="connection-test-result"][data-ok="true"]').waitFor();
    expect(await result.textContent()).toMatch(/connected: (MariaDB|MySQL) /);
    await screenshot(page, 'connections-02-test-ok');
    await dialog().getByTestId('connection-save').click();
    await page.locator('[data-testid="connection-row"][data-connection-name="shop"]').waitFor();

    await fillConnection('postgresql', 'warehouse', {
      host: '127.0.0.1',
      database: DB,
      username: 'postgres',
      password: PG_PASSWORD,
    });
    await dialog().getByTestId('connection-save').click();
    const warehouse = page.locator('[data-testid="connection-row"][data-connection-name="warehouse"]');
    await warehouse.waitFor();
    expect(await warehouse.textContent()).toContain(`postgres@127.0.0.1/${DB}`);
    await warehouse.getByTestId('connection-row-test-button').click();
    await warehouse.locator('[data-testid="connection-row-test"][data-ok="true"]').waitFor();
    await screenshot(page, 'connections-03-list');

    // Editing shows the saved password as saved, never its value; saving without retyping keeps it.
    await warehouse.getByTestId('connection-edit').click();
    expect(await dialog().getByTestId('field-password').inputValue()).toBe('');
    expect(await dialog().getByTestId('field-password').getAttribute('placeholder')).toContain('saved');
    await dialog().getByTestId('field-host').fill('localhost');
    await dialog().getByTestId('connection-save').click();
    await dialog().waitFor({ state: 'detached' });
    await warehouse.getByTestId('connection-row-test-button').click();
    await warehouse.locator('[data-testid="connection-row-test"][data-ok="true"]').waitFor();
  });

  it('runs a job that uses both connections by name, and refuses deleting one it uses', async () => {
    const yaml = `version: 1
job: { name: products-to-dw }
input:
  type: mysql
  connection: { ref: shop }
  query: { table: products }
output:
  type: postgresql
  connection: { ref: warehouse }
  write: { table: products, create_table: true }
`;
    const created = await page.evaluate(async (config_yaml) => {
      const response = await fetch('/api/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'products-to-dw', config_yaml }),
      });
      return response.status;
    }, yaml);
    expect(created).toBe(200);
    await studio.openJob('products-to-dw');
    await studio.run();
    await studio.waitForStatus('completed');
    expect((await studio.latestExecution('completed')).written).toBe(3);
    const copied = await dbs.pg.query('SELECT title, price::text FROM products ORDER BY id');
    expect(copied.rows).toEqual([
      { title: 'Tea', price: '3.50' },
      { title: '绿茶', price: '12.00' },
      { title: 'Coffee', price: '4.25' },
    ]);

    // The job page previews what the job reads and its target as it is now.
    await page.getByTestId('job-preview-output').click();
    const grid = page.getByTestId('job-preview-grid');
    await grid.waitFor();
    expect(await grid.getByTestId('grid-row').count()).toBe(3);
    expect(await grid.getByTestId('grid-column').allTextContents()).toEqual([
      expect.stringContaining('id'),
      expect.stringContaining('title'),
      expect.stringContaining('price'),
    ]);
    expect(await grid.textContent()).toContain('绿茶');
    await page.getByTestId('job-preview-input').click();
    await page.locator('[data-testid="job-preview-source"]', { hasText: 'input' }).waitFor();
    expect(await grid.getByTestId('grid-row').count()).toBe(3);
    await screenshot(page, 'connections-04a-job-preview');

    // Pickers fed by the catalog: the YAML editor offers the connection's tables and columns.
    // Pasting leaves the cursor at the end: the YAML ends where a column name goes.
    await studio.replaceYaml(`version: 1
output:
  type: postgresql
  connection: { ref: warehouse }
  write: { table: products, create_table: true }
input:
  type: mysql
  connection: { ref: shop }
  query:
    table: products
    columns:
      - id
      - `);
    await page.keyboard.press('Control+Space');
    const suggestions = page.locator('.suggest-widget .monaco-list-row');
    await suggestions.first().waitFor();
    expect(await suggestions.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('title'), expect.stringContaining('price')]),
    );
    await screenshot(page, 'connections-05-column-picker');
    await page.keyboard.press('Escape');

    await page.goto(`${server.url}/#/connections`);
    const warehouse = page.locator('[data-testid="connection-row"][data-connection-name="warehouse"]');
    await warehouse.getByTestId('connection-delete').click();
    await page.getByTestId('confirm-delete-ok').click();
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('connection "warehouse" is used by job "products-to-dw"');
    expect(await page.getByTestId('connection-row').count()).toBe(2);
    await screenshot(page, 'connections-04-delete-refused');

    await studio.switchLanguage('zh-CN');
    expect(await studio.text('nav-connections')).toBe('连接');
    await screenshot(page, 'connections-05-zh');
    await studio.switchLanguage('en');
  });

  it('tells the user a run failed on whatever page is open', async () => {
    const yaml = `version: 1
input:
  type: mysql
  connection: { ref: shop }
  query: { table: no_such_table }
output:
  type: postgresql
  connection: { ref: warehouse }
  write: { table: nothing, create_table: true }
`;
    await page.goto(`${server.url}/#/connections`);
    const id = await page.evaluate(async (config_yaml) => {
      const response = await fetch('/api/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'broken-source', config_yaml }),
      });
      const job = (await response.json()) as { id: string };
      await fetch(`/api/v1/jobs/${job.id}/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return job.id;
    }, yaml);
    const notice = page.locator(`[data-testid="notification"][data-key="job:${id}"]`);
    await notice.waitFor();
    expect(await notice.textContent()).toContain('A run failed');
    await notice.getByText('broken-source').waitFor();
    expect(await notice.textContent()).toContain('no_such_table');
    await screenshot(page, 'connections-06-run-failed-notice');
  });

  it('never shows a password after it was typed: page, API, events, server output, logs, store, files', async () => {
    const seen = [await page.content(), ...received, server.output()].join('\n');
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const secret of SECRETS) expect(bytes.includes(secret), `${file} holds a password`).toBe(false);
    }
    for (const secret of SECRETS) expect(seen).not.toContain(secret);
    expect(received.length).toBeGreaterThan(10);
    // The refused delete answers 409, which the browser logs; nothing else may fail.
    expect(pageErrors.filter((e) => !e.includes('status of 409 (Conflict)'))).toEqual([]);
  });
});
