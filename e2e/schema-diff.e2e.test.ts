import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabases,
  dropTestDatabases,
  execOn,
  rowsOn,
  type TestDatabases,
} from '../connectors/shared/sql/test-databases';
import type { Job } from '../src-shared/api/model';
import { screenshot } from './support/browser';
import type { StudioServer } from './support/studio-server';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The schema diff on the job page: a job copying a PostgreSQL table into one that lacks a
 * column; the diff shows the missing column, the DDL is applied after confirming, and the
 * diff then finds every column compatible.
 */

const DB = `fustgo_e2e_diff_${randomBytes(4).toString('hex')}`;
const connection = `{ host: 127.0.0.1, port: 5432, database: ${DB}, username: postgres }`;

describe('the schema diff in Chromium against fustgo serve', () => {
  let session: StudioSession;
  let server: StudioServer;
  let page: Page;
  let pageErrors: string[];
  let dbs: Partial<TestDatabases> = {};
  let job: Job;

  beforeAll(async () => {
    dbs = await createTestDatabases(DB);
    await execOn(
      dbs as TestDatabases,
      '',
      'postgresql',
      'CREATE TABLE customers (id integer PRIMARY KEY, name varchar(100) NOT NULL, city text)',
      "INSERT INTO customers VALUES (1, 'Ada', 'London')",
      'CREATE TABLE warehouse_customers (id integer PRIMARY KEY, name varchar(100) NOT NULL)',
      'CREATE TABLE narrow_customers (id smallint PRIMARY KEY, name varchar(20) NOT NULL, city integer, region text NOT NULL)',
    );
    session = await openStudioSession('e2e-diff');
    ({ server, page, pageErrors } = session);
    job = await createJob('customers-to-warehouse', pipeline('warehouse_customers'));
  });

  /** Creates a job through the API, as the studio's New job dialog would. */
  async function createJob(name: string, configYaml: string): Promise<Job> {
    const created = await fetch(`${server.url}/api/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, config_yaml: configYaml }),
    });
    expect(created.status, await created.clone().text()).toBe(200);
    return (await created.json()) as Job;
  }

  afterAll(async () => {
    await session?.close();
    await dropTestDatabases(DB, dbs);
  });

  const row = (column: string) => page.locator(`[data-testid="schema-diff-row"][data-column="${column}"]`);

  it('shows the missing column, applies the DDL after confirming, and then finds the target compatible', async () => {
    await page.goto(`${server.url}/#/jobs/${job.id}`);
    await page.getByTestId('job-page').waitFor();
    await page.getByTestId('schema-diff-compare').click();
    await row('city').waitFor();

    expect(await row('id').getAttribute('data-status')).toBe('compatible');
    expect(await row('name').getAttribute('data-status')).toBe('compatible');
    expect(await row('city').getAttribute('data-status')).toBe('missing_in_target');
    expect(await row('city').getByTestId('schema-diff-status').textContent()).toBe('Missing in target');
    expect(await row('city').getByTestId('schema-diff-suggested').textContent()).toBe('text');
    expect(await row('city').textContent()).toContain('the target table has no such column');
    expect(await page.getByTestId('schema-diff-verdict').getAttribute('data-ok')).toBe('false');
    expect(await page.getByTestId('schema-diff-ddl').textContent()).toBe(
      'ALTER TABLE "warehouse_customers" ADD COLUMN "city" text;',
    );
    await page.getByTestId('schema-diff-copy').click();
    await page.locator('[data-testid="schema-diff-copy"]', { hasText: 'Copied' }).waitFor();
    // The page reads its clipboard: the copied DDL, exactly.
    type PageGlobals = { navigator: { clipboard: { readText(): Promise<string> } } };
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText()),
    ).toBe('ALTER TABLE "warehouse_customers" ADD COLUMN "city" text;');
    await screenshot(page, 'schema-diff-01-missing-column');

    await page.getByTestId('schema-diff-apply').click();
    const dialog = page.getByTestId('schema-diff-confirm');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Runs in one transaction');
    await screenshot(page, 'schema-diff-02-confirm');
    // Nothing runs before the user confirms.
    expect(await rowsOn(dbs as TestDatabases, '', 'postgresql', columnsSql)).toEqual([['id'], ['name']]);
    await page.getByTestId('schema-diff-confirm-ok').click();

    await page.getByTestId('schema-diff-applied').waitFor();
    await page.locator('[data-testid="schema-diff-verdict"][data-ok="true"]').waitFor();
    expect(await row('city').getAttribute('data-status')).toBe('compatible');
    expect(await page.getByTestId('schema-diff-ddl-none').textContent()).toBe(
      'Nothing to change in the target.',
    );
    expect(await rowsOn(dbs as TestDatabases, '', 'postgresql', columnsSql)).toEqual([
      ['id'],
      ['name'],
      ['city'],
    ]);
    await screenshot(page, 'schema-diff-03-compatible');

    await page.getByTestId('language-switch').selectOption('zh-CN');
    await page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
    expect(await row('city').getByTestId('schema-diff-status').textContent()).toBe('兼容');
    await screenshot(page, 'schema-diff-04-zh');
    expect(pageErrors).toEqual([]);
  });

  it('shows each kind of difference with its reason and the DDL that fixes it', async () => {
    const narrow = await createJob('customers-to-narrow', pipeline('narrow_customers'));
    await page.getByTestId('language-switch').selectOption('en');
    await page.goto(`${server.url}/#/jobs/${narrow.id}`);
    await page.getByTestId('schema-diff-compare').click();
    await row('region').waitFor();
    const statuses = await page
      .getByTestId('schema-diff-row')
      .evaluateAll((rows) =>
        rows.map((r) => `${r.getAttribute('data-column')}:${r.getAttribute('data-status')}`),
      );
    expect(statuses).toEqual(['id:warning', 'name:warning', 'city:incompatible', 'region:missing_in_source']);
    expect(await row('name').textContent()).toContain(
      'values longer than 20 are refused (the source allows 100)',
    );
    expect(await row('region').textContent()).toContain('NOT NULL without a default');
    expect(await page.getByTestId('schema-diff-ddl').textContent()).toBe(
      [
        'ALTER TABLE "narrow_customers" ALTER COLUMN "id" TYPE integer USING "id"::integer;',
        'ALTER TABLE "narrow_customers" ALTER COLUMN "name" TYPE varchar(100) USING "name"::varchar(100);',
        'ALTER TABLE "narrow_customers" ALTER COLUMN "city" TYPE text USING "city"::text;',
        'ALTER TABLE "narrow_customers" ALTER COLUMN "region" DROP NOT NULL;',
      ].join('\n'),
    );
    await page.getByTestId('schema-diff-ddl').scrollIntoViewIfNeeded();
    await screenshot(page, 'schema-diff-05-kinds');
    expect(pageErrors).toEqual([]);
  });
});

const pipeline = (table: string) => `version: 1
input:
  type: postgresql
  connection: ${connection}
  query: { table: customers }
output:
  type: postgresql
  connection: ${connection}
  write: { table: ${table}, mode: upsert }
  conflict: { key: [id] }
`;

const columnsSql =
  "SELECT column_name FROM information_schema.columns WHERE table_name = 'warehouse_customers' ORDER BY ordinal_position";
