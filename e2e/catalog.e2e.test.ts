import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabases,
  dropTestDatabases,
  type TestDatabases,
} from '../connectors/shared/sql/test-databases';
import type { ScanLog } from '../src-shared/api/catalog-model';
import { collectPageErrors, launchChromium, screenshot } from './support/browser';
import { startStudioServer, type StudioServer } from './support/studio-server';

/*
 * The metadata catalog in Chromium against `fustgo serve`: a PostgreSQL connection saved through
 * the API is scanned on its own; the Catalog page browses it, searches a column, shows a table's
 * detail, and a re-scan after an ALTER shows what changed.
 */

const DB = `fustgo_test_e2e_catalog_${randomBytes(4).toString('hex')}`;
const PASSWORD = 'E2e-Catalog-S3cret';

describe('the catalog in Chromium', () => {
  let dbs: TestDatabases | undefined;
  let dataDir: string;
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let connectionId: string;

  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };

  /** The connection's newest scan once it has ended (after `after`, if given). */
  const scanEnded = async (after?: string, id = connectionId): Promise<ScanLog> => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const [latest] = await call<ScanLog[]>('GET', `/catalog/scans?connection_id=${id}&limit=1`);
      if (latest && latest.id !== after && latest.status !== 'running') return latest;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the scan did not end within 30 s');
  };

  beforeAll(async () => {
    dbs = await createTestDatabases(DB);
    await dbs.pg.query(`
      CREATE SCHEMA shop;
      CREATE TABLE shop.customers (
        id int PRIMARY KEY,
        email varchar(200) NOT NULL,
        region text DEFAULT 'eu'
      );
      COMMENT ON TABLE shop.customers IS 'Who buys';
      COMMENT ON COLUMN shop.customers.email IS 'Contact address for invoices';
      CREATE UNIQUE INDEX customers_email_key ON shop.customers (email);
      CREATE TABLE shop.orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id int NOT NULL REFERENCES shop.customers (id) ON DELETE CASCADE,
        total numeric(12,2) NOT NULL DEFAULT 0,
        status varchar(20),
        created_at timestamptz DEFAULT now()
      );
      CREATE INDEX orders_status_idx ON shop.orders (status);
      CREATE VIEW shop.open_orders AS SELECT id, total FROM shop.orders WHERE status = 'open';
      INSERT INTO shop.customers VALUES (1, 'a@example.com', 'eu'), (2, 'b@example.com', 'us');
      ANALYZE;
    `);
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-e2e-catalog-'));
    [server, browser] = await Promise.all([startStudioServer(dataDir), launchChromium()]);
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await dropTestDatabases(DB, dbs ?? {});
  });

  it('scans a saved connection on its own, then browses, searches and details its tables', async () => {
    const connection = await call<{ id: string }>('POST', '/connections', {
      name: 'warehouse',
      type: 'postgresql',
      config: { host: '127.0.0.1', port: 5432, database: DB, username: 'postgres', password: PASSWORD },
    });
    connectionId = connection.id;
    await call('POST', '/jobs', {
      name: 'orders-export',
      config_yaml: `version: 1
input:
  type: postgresql
  connection: { ref: warehouse }
  query: { table: shop.orders }
output: { type: file, path: output/orders.csv }
`,
    });
    const first = await scanEnded();
    expect(first).toMatchObject({ status: 'completed', triggered_by: 'saved', tables_total: 3 });

    await page.goto(`${server.url}/#/catalog`);
    await page.getByTestId('catalog-page').waitFor();
    const connectionRow = page.locator('[data-testid="tree-connection"][data-connection="warehouse"]');
    await connectionRow.waitFor();
    await connectionRow.getByRole('button', { name: 'Expand' }).click();
    const shop = page.locator('[data-testid="tree-database"][data-database="shop"]');
    await shop.getByRole('button', { name: 'Expand' }).click();
    const orders = page.locator('[data-testid="tree-table"][data-table="shop.orders"]');
    await orders.getByRole('button', { name: 'Expand' }).click();
    await page.locator('[data-testid="tree-column"][data-column="customer_id"]').waitFor();
    await orders.getByText('orders').click();

    const detail = page.getByTestId('table-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-table')).toBe('shop.orders');
    const columns = await page
      .getByTestId('detail-column')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-column')));
    expect(columns).toEqual(['id', 'customer_id', 'total', 'status', 'created_at']);
    expect(await page.getByTestId('detail-foreign-keys').textContent()).toContain('shop.customers (id)');
    expect(await page.getByTestId('detail-indexes').textContent()).toContain('orders_status_idx');
    expect(await page.getByTestId('detail-jobs').textContent()).toContain('orders-export');
    expect(await page.getByTestId('preview-link').getAttribute('href')).toBe(
      `#/preview?connection=${connectionId}&table=shop.orders`,
    );
    await screenshot(page, 'catalog-01-table-detail');

    await page.getByTestId('catalog-search').fill('email');
    const hit = page.locator('[data-testid="search-hit"][data-table="shop.customers"][data-column="email"]');
    await hit.waitFor();
    await screenshot(page, 'catalog-02-search');
    await hit.click();
    await page.locator('[data-testid="table-detail"][data-table="shop.customers"]').waitFor();
    const highlighted = page.locator('[data-testid="detail-column"].highlight');
    expect(await highlighted.getAttribute('data-column')).toBe('email');
    expect(await highlighted.textContent()).toContain('Contact address for invoices');
    expect(await page.getByTestId('detail-rows').textContent()).toBe('2');
    await screenshot(page, 'catalog-03-search-detail');
  });

  it('re-scans on demand with live status and shows what changed', async () => {
    await page.getByTestId('catalog-search').fill('');
    await page
      .locator('[data-testid="tree-connection"][data-connection="warehouse"]')
      .getByText('warehouse')
      .click();
    const panel = page.getByTestId('connection-panel');
    await panel.waitFor();
    await panel.locator('[data-testid="scan-row"]').first().waitFor();
    const before = await scanEnded();

    await dbs?.pg.query(`ALTER TABLE shop.orders ADD COLUMN shipped_at timestamptz;
      ALTER TABLE shop.orders DROP COLUMN status CASCADE;
      CREATE TABLE shop.refunds (id int PRIMARY KEY, order_id bigint)`);
    await panel.getByTestId('scan-now').click();
    const after = await scanEnded(before.id);
    expect(after.changes?.tables_altered.map((t) => t.table)).toEqual(['shop.orders']);
    await panel.locator('[data-testid="scan-state"][data-status="completed"]').waitFor();
    // The history lists the new scan first once it has reloaded.
    await panel.locator(`[data-testid="scan-row"][data-scan-id="${after.id}"]`).waitFor();
    const newest = panel.locator('[data-testid="scan-row"]').first();
    await newest.getByTestId('scan-details').click();
    const changes = panel.getByTestId('scan-changes');
    await changes.waitFor();
    const text = (await changes.textContent()) ?? '';
    expect(text).toContain('shop.refunds');
    expect(text).toContain('shop.open_orders'); // the view went with the dropped column
    expect(text).toContain('shipped_at');
    // The open tree shows the columns as they are now.
    await page.locator('[data-testid="tree-column"][data-column="shipped_at"]').waitFor();
    expect(await page.locator('[data-testid="tree-column"][data-column="status"]').count()).toBe(0);
    await screenshot(page, 'catalog-04-scan-history');

    await page.getByTestId('language-switch').selectOption('zh-CN');
    await page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
    expect(((await page.getByTestId('nav-catalog').textContent()) ?? '').trim()).toBe('元数据目录');
    await screenshot(page, 'catalog-05-zh');

    expect(await page.content()).not.toContain(PASSWORD);
    expect(pageErrors).toEqual([]);
  });

  it('shows a failed scan where the user looks: the tree, the connection, a notification', async () => {
    await page.getByTestId('language-switch').selectOption('en');
    const offline = await call<{ id: string }>('POST', '/connections', {
      name: 'offline',
      type: 'postgresql',
      config: { host: '127.0.0.1', port: 1, database: 'nowhere', username: 'etl', password: PASSWORD },
    });
    await page
      .locator('[data-testid="tree-connection"][data-connection="offline"]')
      .getByText('offline')
      .click();
    const panel = page.locator('[data-testid="connection-panel"][data-connection="offline"]');
    // Refused connections are retried: 1 + 2 + 4 s of backoff before the scan gives up, live.
    const running = panel.getByTestId('scan-progress');
    await running.filter({ hasText: 'attempt 2' }).waitFor();
    await screenshot(page, 'catalog-06-scan-retrying');
    const failed = await scanEnded(undefined, offline.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 4 });
    await panel.locator('[data-testid="scan-state"][data-status="failed"]').waitFor();
    expect(await panel.getByTestId('scan-error').first().textContent()).toContain('ECONNREFUSED');
    expect(await page.getByTestId('notification').first().textContent()).toContain('ECONNREFUSED');
    expect(await panel.getByTestId('scan-row-error').textContent()).toContain('gave up after 4 attempts');
    await screenshot(page, 'catalog-07-failed-scan');
    expect(await page.content()).not.toContain(PASSWORD);
    expect(pageErrors).toEqual([]);
  });
});
