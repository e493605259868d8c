import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * Data preview in the studio: a link from elsewhere opens a table's preview with its types, the
 * grid scrolls thousands of rows while the page holds a few dozen, statistics and an exact count
 * on request, a SQL query run with Ctrl+Enter (and a write refused by the database), a masked
 * column — and the connection's password nowhere in what the page receives.
 */

const DB = 'fustgo_e2e_preview';
const ROWS = 5000;
const PASSWORD = 'E2e-Preview-Pw-51c2a';

describe('data preview in the studio', () => {
  let session: StudioSession;
  let server: StudioServer;
  let page: Page;
  let studio: StudioPage;
  let pageErrors: string[];
  let dbs: TestDatabases;
  let connectionId: string;
  /** Every API response body the page received. */
  let received: string[];

  const grid = () => page.getByTestId('data-grid');
  const shown = async () => (await page.getByTestId('preview-shown').textContent())?.trim() ?? '';
  /** The texts of one column's cells among the rows the grid renders. */
  const columnTexts = (column: number) =>
    page
      .locator('[data-testid="grid-row"]')
      .evaluateAll(
        (rows, at) =>
          rows.map((row) => row.querySelectorAll('[data-testid="grid-cell"]')[at]?.textContent ?? ''),
        column,
      );

  /** Replaces the SQL in the editor by pasting (typed text would get Monaco's auto-closing). */
  async function pasteSql(sql: string): Promise<void> {
    type PageGlobals = { navigator: { clipboard: { writeText(value: string): Promise<void> } } };
    await page.evaluate(
      (value) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(value),
      sql,
    );
    await page.locator('[data-testid="sql-editor"] .view-lines').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
  }

  beforeAll(async () => {
    dbs = await createTestDatabases(DB);
    await dbs.pg.query(`CREATE TABLE orders (
      id int PRIMARY KEY, email text NOT NULL, total numeric(10,2), status varchar(10),
      note text, created_at timestamptz(6))`);
    await dbs.pg.query(`INSERT INTO orders
      SELECT i, 'customer' || i || '@example.com', i * 1.25, (ARRAY['paid','pending','void'])[1 + i % 3],
        CASE WHEN i % 4 = 0 THEN NULL ELSE 'note ' || i END,
        TIMESTAMPTZ '2024-03-01 08:00:00.123456+00' + i * INTERVAL '1 minute'
      FROM generate_series(1, ${ROWS}) AS i`);
    await dbs.pg.query('ANALYZE orders');
    session = await openStudioSession('e2e-preview');
    ({ server, page, pageErrors, studio, received } = session);
    const saved = await fetch(`${server.url}/api/v1/connections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'e2e-shop',
        type: 'postgresql',
        config: { host: '127.0.0.1', port: 5432, database: DB, username: 'postgres', password: PASSWORD },
      }),
    });
    expect(saved.status).toBe(200);
    connectionId = ((await saved.json()) as { id: string }).id;
  });

  afterAll(async () => {
    await session?.close();
    await dropTestDatabases(DB, dbs ?? {});
  });

  it('opens a table from a link, with its columns, types and rows', async () => {
    await page.goto(`${server.url}/#/preview?connection=${connectionId}&table=public.orders`);
    await page.getByTestId('preview-result').waitFor();
    expect(await shown()).toBe('100 rows');
    expect(await studio.text('preview-row-count')).toBe('about 5,000 rows (estimate)');
    const headers = await page
      .getByTestId('grid-column')
      .evaluateAll((cells) =>
        cells.map((cell) => `${cell.getAttribute('data-column')}:${cell.getAttribute('data-type')}`),
      );
    expect(headers).toEqual([
      'id:int',
      'email:string',
      'total:decimal',
      'status:string',
      'note:string',
      'created_at:timestamptz',
    ]);
    const total = page.locator('[data-testid="grid-column"][data-column="total"]');
    expect(await total.textContent()).toContain('numeric(10,2)');
    expect((await columnTexts(5))[0]).toBe('2024-03-01T08:01:00.123456Z');
    // Row 4 has no note: NULL, shown unlike any text.
    const nullCell = page.locator('[data-testid="grid-row"][data-row="3"] [data-testid="grid-cell"]').nth(4);
    expect(await nullCell.textContent()).toBe('NULL');
    expect(await nullCell.getAttribute('class')).toContain('cell-null');
    expect(await page.getByTestId('nav-preview').getAttribute('class')).toContain('active');
    await screenshot(page, 'preview-01-table');
  });

  it('scrolls thousands of rows while rendering only those in view', async () => {
    await page.getByTestId('preview-limit').fill(String(ROWS));
    await page.getByTestId('preview-run').click();
    await page.locator(`[data-testid="data-grid"][data-rows="${ROWS}"]`).waitFor();
    expect(await shown()).toBe('5,000 rows');
    expect(await studio.text('preview-row-count')).toBe('5,000 rows in all');
    const rendered = await page.getByTestId('grid-row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(60);

    await grid().evaluate((element) => (element.scrollTop = element.scrollHeight));
    await page.locator('[data-testid="grid-row"][data-row="4999"]').waitFor();
    expect(await page.getByTestId('grid-row').count()).toBeLessThan(60);
    const ids = await columnTexts(0);
    expect(ids[ids.length - 1]).toBe('5000');
    await screenshot(page, 'preview-02-scrolled');

    await grid().evaluate((element) => (element.scrollTop = 2500 * 26));
    await page.locator('[data-testid="grid-row"][data-row="2500"]').waitFor();
    expect(await page.locator('[data-testid="grid-row"][data-row="4999"]').count()).toBe(0);
  });

  it('shows statistics per column and counts exactly on request', async () => {
    await page.getByTestId('preview-stats-toggle').click();
    const stats = page.getByTestId('grid-column-stats');
    await stats.first().waitFor();
    expect(await stats.nth(4).textContent()).toContain('NULL 25%');
    expect(await stats.nth(3).textContent()).toContain('3 distinct');
    await page.getByTestId('preview-count').click();
    await page.getByTestId('preview-counted').waitFor();
    expect(await studio.text('preview-counted')).toMatch(/^exactly 5,000 rows \(counted in \d+ ms\)$/);
    await grid().evaluate((element) => (element.scrollTop = 0));
    await screenshot(page, 'preview-03-stats');
  });

  it('runs a SQL query with Ctrl+Enter and shows the database refusing a write', async () => {
    await page.getByTestId('preview-mode-sql').click();
    await page.getByTestId('sql-editor').waitFor();
    await pasteSql('SELECT id, email, total\nFROM orders\nWHERE id > 4990\nORDER BY id DESC');
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid="data-grid"][data-rows="10"]').waitFor();
    expect(await columnTexts(0)).toEqual([
      '5000',
      '4999',
      '4998',
      '4997',
      '4996',
      '4995',
      '4994',
      '4993',
      '4992',
      '4991',
    ]);
    expect(await studio.text('preview-row-count')).toBe('10 rows in all');
    // SQL highlighting: keywords, names and numbers get different token classes.
    const tokenClasses = await page
      .locator('[data-testid="sql-editor"] .view-line span[class^="mtk"]')
      .evaluateAll((spans) => [...new Set(spans.map((span) => span.className))]);
    expect(tokenClasses.length).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'preview-04-sql');

    await pasteSql('DELETE FROM orders');
    await page.keyboard.press('Control+Enter');
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('cannot execute DELETE in a read-only transaction');
    await screenshot(page, 'preview-05-refused');
    expect((await dbs.pg.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(ROWS);
  });

  it('masks a chosen column on the server', async () => {
    await page.getByTestId('preview-mode-table').click();
    await page.getByTestId('preview-limit').fill('100');
    await page.getByTestId('preview-run').click();
    await page.locator('[data-testid="data-grid"][data-rows="100"]').waitFor();
    await page.getByTestId('preview-mask-toggle').click();
    await page.locator('[data-testid="mask-select"][data-column="email"]').selectOption('hash');
    await page.getByTestId('grid-column-masked').waitFor();
    const emails = await columnTexts(1);
    expect(emails.length).toBeGreaterThan(5);
    for (const email of emails) expect(email).toMatch(/^[0-9a-f]{16}$/);
    expect(await studio.text('preview-mask-toggle')).toBe('Masked (1)');
    await screenshot(page, 'preview-06-masked');
    // The hashed column's addresses never reached the page.
    const last = received[received.length - 1] ?? '';
    expect(last).not.toContain('@example.com');
  });

  it('speaks Chinese and never receives the password', async () => {
    await studio.switchLanguage('zh-CN');
    expect(await studio.text('nav-preview')).toBe('数据预览');
    expect(await studio.text('preview-shown')).toBe('100 行');
    await screenshot(page, 'preview-07-zh');
    await studio.switchLanguage('en');
    expect(received.length).toBeGreaterThan(5);
    for (const body of received) expect(body).not.toContain(PASSWORD);
    expect(await page.content()).not.toContain(PASSWORD);
    // The refused DELETE answered 400, which Chromium logs; nothing else went wrong.
    expect(pageErrors.filter((e) => !e.includes('status of 400 (Bad Request)'))).toEqual([]);
  });
});
