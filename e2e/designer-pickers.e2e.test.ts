import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../src-shared/api/http-client';
import { screenshot } from './support/browser';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The properties panel's table and column pickers for a node whose connection is written in it
 * (a SQLite file beside the job, no saved connection, nothing in the catalog): the node's own
 * database is read once typing pauses or a picker opens, its tables and then its table's columns
 * are offered, and a file that cannot be opened says so quietly, asked once, not at every key. A
 * saved connection's pickers still come from the catalog.
 */

const YAML = `version: 1
job: { name: pickers-e2e }
input:
  type: sqlite
  path: data/shop.db
  query: { table: orders }
output:
  type: file
  path: output/orders.jsonl
`;

describe('table and column pickers from the node’s own connection', () => {
  let session: StudioSession;
  let page: Page;
  let studio: StudioPage;
  const inspectCalls: string[] = [];

  beforeAll(async () => {
    session = await openStudioSession('e2e-pickers');
    ({ page, studio } = session);
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/inspect/component')) inspectCalls.push(request.postData() ?? '');
    });
    const client = createHttpClient(session.server.url);
    const job = await client.api.createJob({ name: 'pickers-e2e', config_yaml: YAML });
    const folder = join(session.dataDir, 'jobs', job.id, 'data');
    mkdirSync(folder, { recursive: true });
    const db = new Database(join(folder, 'shop.db'));
    db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, total DECIMAL(10,2), status TEXT NOT NULL);
             CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)`);
    db.close();
    // A saved connection to the same file, scanned into the catalog, for the saved path.
    const saved = await client.api.createConnection({
      name: 'shop-file',
      type: 'sqlite',
      config: { path: join(folder, 'shop.db') },
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [scan] = await client.api.listCatalogScans({ connection_id: saved.id, limit: 1 });
      if (scan?.status === 'completed') break;
      if (scan?.status === 'failed' || Date.now() > deadline)
        throw new Error(`scan: ${JSON.stringify(scan)}`);
      await new Promise((done) => setTimeout(done, 100));
    }
    client.close();
  });

  afterAll(async () => {
    await session?.close();
  });

  const properties = () => page.getByTestId('designer-properties');
  const note = () => properties().getByTestId('catalog-note');
  const field = (path: string) => properties().getByTestId(`field-${path}`);
  /** The values a picker field offers (its datalist). */
  type PickerInput = { list: { options: ArrayLike<{ value: string }> } | null };
  const offered = (path: string) =>
    field(path).evaluate((input) =>
      Array.from((input as unknown as PickerInput).list?.options ?? [], (option) => option.value),
    );

  it('offers the tables of the job’s SQLite file, then the columns of the table picked', async () => {
    await studio.openJob('pickers-e2e');
    await page.getByTestId('config-valid').waitFor();
    await page.locator('[data-testid="flow-node"][data-node-id="input"]').click();
    const closePreview = page.getByTestId('step-preview-close');
    if ((await closePreview.count()) > 0) await closePreview.click();
    await properties().getByTestId('properties-panel').waitFor();

    await properties().locator('[data-testid="catalog-note"][data-state="ready"]').waitFor();
    expect(await note().textContent()).toBe('2 tables read from this connection.');
    expect(await offered('query.table')).toEqual(['customers', 'orders']);
    await field('query.columns-add').focus();
    await expect.poll(() => offered('query.columns-add')).toEqual(['id', 'total', 'status']);
    await note().scrollIntoViewIfNeeded();
    await screenshot(page, 'designer-pickers-1-inline');
    // The tables were read once, and the columns of orders once.
    expect(inspectCalls.map((body) => JSON.parse(body).table)).toEqual([undefined, 'orders']);
  });

  it('says quietly that a file cannot be opened, asking once after typing stops', async () => {
    const path = field('path');
    await path.click();
    await path.press('ControlOrMeta+A');
    const before = inspectCalls.length;
    await path.pressSequentially('data/nope.db', { delay: 60 });
    await properties().locator('[data-testid="catalog-note"][data-state="failed"]').waitFor();
    const message = note().locator('.inspect-message');
    expect(await message.textContent()).toMatch(
      /^No tables to offer: cannot open SQLite database .*nope\.db/,
    );
    expect(inspectCalls.length - before).toBe(1);
    expect(await offered('query.table')).toEqual([]);
    await screenshot(page, 'designer-pickers-2-unreachable');
    // Focusing a picker again does not ask again; Try again does.
    await field('query.table').focus();
    await properties().getByTestId('inspect-retry').click();
    await properties().locator('[data-testid="catalog-note"][data-state="failed"]').waitFor();
    expect(inspectCalls.length - before).toBe(2);

    await studio.switchLanguage('zh-CN');
    expect(await message.textContent()).toMatch(/^无法提供表：cannot open SQLite database/);
    await studio.switchLanguage('en');
    // The failed inspection answers 400, which the browser logs as a console error.
    expect(session.pageErrors.filter((error) => !error.includes('status of 400'))).toEqual([]);
  });

  it('keeps reading a saved connection’s tables from the catalog, asking no database', async () => {
    const before = inspectCalls.length;
    await properties().getByTestId('connection-ref').selectOption('shop-file');
    await properties().locator('[data-testid="catalog-note"]:not([data-state])').waitFor();
    expect(await note().textContent()).toBe('2 tables of "shop-file" in the catalog.');
    expect(await offered('query.table')).toEqual(['customers', 'orders']);
    await field('query.columns-add').focus();
    await expect.poll(() => offered('query.columns-add')).toEqual(['id', 'total', 'status']);
    expect(inspectCalls.length).toBe(before);
  });
});
