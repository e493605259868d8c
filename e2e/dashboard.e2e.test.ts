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
 * The dashboard, live: with the page open, a real job runs (started through the API, as a
 * schedule would) and the page shows it moving, then done: counts, success rate, rows today, the
 * charts, the batch latency with the run's bottleneck; a failing job lands in the failures.
 */

const ROWS = 150_000;
const COPY = `version: 1
input:
  type: generate
  count: ${ROWS}
  batch_size: 1000
  columns:
    - { name: id, generator: sequence }
    - { name: note, generator: choice, values: [a, b, c] }
output:
  type: sqlite
  path: out.db
  write: { table: t, batch_size: 40 }
`;
const STRICT = `version: 1
input:
  type: generate
  count: 20
  columns:
    - { name: id, generator: sequence }
output:
  type: sqlite
  path: out.db
  write: { table: ids, create_table: false }
`;

const digits = (text: string) => Number(text.replace(/[^\d]/g, ''));

describe('the dashboard', () => {
  let session: StudioSession;
  let page: Page;
  let studio: StudioPage;

  beforeAll(async () => {
    session = await openStudioSession('dashboard');
    ({ page, studio } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('shows a real run live, then its rows, rate, latency and bottleneck, and a failure', async () => {
    const client = createHttpClient(session.server.url);
    await page.goto(`${session.server.url}/#/dashboard`);
    await page.getByTestId('dashboard-page').waitFor();
    await page.getByTestId('active-empty').waitFor();
    // The dashboard leads the navigation.
    expect(await page.locator('.app-nav .nav-item').first().getAttribute('data-testid')).toBe(
      'nav-dashboard',
    );
    expect(await studio.text('stat-jobs-value')).toBe('0');
    await screenshot(page, 'dashboard-01-empty');

    const copy = await client.api.createJob({ name: 'dash-copy', config_yaml: COPY });
    const started = await client.api.startJob({ id: copy.id });
    // Live over the event stream: the run appears and its progress bar moves.
    const row = page.locator('[data-testid="active-run"][data-job-name="dash-copy"]');
    const bar = row.getByTestId('active-run-progress');
    await bar.waitFor({ timeout: 60_000 });
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect(await row.getByTestId('active-run-rows').textContent()).toContain(
      `of ${ROWS.toLocaleString('en-US')}`,
    );
    await screenshot(page, 'dashboard-02-running');

    await page.getByTestId('active-empty').waitFor({ timeout: 120_000 });
    const done = await client.api.getExecution({ id: started.id });
    expect(done).toMatchObject({ status: 'completed', records_written: ROWS });
    await expect.poll(async () => digits(await studio.text('stat-today-value'))).toBe(ROWS);
    expect(digits(await studio.text('stat-month-value'))).toBe(ROWS);
    expect(await studio.text('stat-success-value')).toBe('100%');

    // The charts hold the run: its rate in the throughput chart, its batches in the latency chart.
    const throughput = page.getByTestId('chart-throughput');
    await expect
      .poll(async () => Number(await throughput.getAttribute('data-sum')), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(Number(await page.getByTestId('chart-latency').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="chart-throughput"] canvas').count()).toBe(1);

    // Its batch latency and what held it back.
    const latency = page.locator('[data-testid="latency-row"][data-job-name="dash-copy"]');
    await latency.getByTestId('latency-verdict').waitFor();
    expect(done.bottleneck?.verdict).toBeDefined();
    expect(await latency.getByTestId('latency-verdict').getAttribute('data-verdict')).toBe(
      done.bottleneck?.verdict,
    );
    expect(await latency.getByTestId('latency-p95').textContent()).toMatch(/\d ms$/);
    await latency.getByTestId('latency-toggle').click();
    const view = page.getByTestId('bottleneck-view');
    await view.waitFor();
    expect(await view.getByTestId('bottleneck-verdict').getAttribute('data-verdict')).toBe(
      done.bottleneck?.verdict,
    );
    expect((await view.getByTestId('bottleneck-suggestion').textContent())?.length).toBeGreaterThan(10);
    const writerBusy = Number(
      await view.getByTestId('bottleneck-write_busy_ms').getAttribute('data-percent'),
    );
    expect(writerBusy).toBe(
      Math.round(
        ((done.bottleneck?.stages.write_busy_ms ?? 0) / (done.bottleneck?.stages.lane_ms ?? 1)) * 100,
      ),
    );

    // A job that fails: its error's first line among the recent failures, the success rate halves.
    const strict = await client.api.createJob({ name: 'dash-strict', config_yaml: STRICT });
    const folder = join(session.dataDir, 'jobs', strict.id);
    mkdirSync(folder, { recursive: true });
    const db = new Database(join(folder, 'out.db'));
    db.exec('CREATE TABLE ids (id INTEGER PRIMARY KEY CHECK (id % 4 <> 0))');
    db.close();
    await client.api.startJob({ id: strict.id });
    const failure = page.locator('[data-testid="recent-failure"][data-job-name="dash-strict"]');
    await failure.waitFor({ timeout: 60_000 });
    const error = (await failure.getByTestId('recent-failure-error').textContent()) ?? '';
    expect(error).toContain('CHECK constraint failed');
    expect(error).not.toContain('\n');
    await expect.poll(() => studio.text('stat-success-value')).toBe('50%');
    expect(await studio.text('stat-jobs-value')).toBe('2');
    // Close the failure's notification, which would cover the bottleneck view in the screenshots.
    for (const close of await page.locator('[data-testid="notification"] button').all()) await close.click();
    await screenshot(page, 'dashboard-03-done');

    await studio.switchLanguage('zh-CN');
    expect(await studio.text('nav-dashboard')).toBe('仪表盘');
    expect(await page.locator('[data-testid="dashboard-page"] h1').textContent()).toBe('仪表盘');
    expect(await studio.text('stat-success')).toContain('成功率');
    expect(await studio.text('bottleneck-stage-writer')).toContain('写入');
    await screenshot(page, 'dashboard-04-zh');
    await page.getByTestId('chart-throughput').scrollIntoViewIfNeeded();
    await page.getByTestId('batch-latency').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-05-zh-lower');

    expect(session.pageErrors).toEqual([]);
  });
});
