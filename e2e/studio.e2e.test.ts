import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { findWrittenFile, readCsv } from './support/output-file';
import { REPO_ROOT } from './support/studio-server';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

describe('the studio in Chromium against fustgo serve', () => {
  let session: StudioSession;
  let dataDir: string;
  let page: Page;
  let studio: StudioPage;
  let pageErrors: string[];

  beforeAll(async () => {
    session = await openStudioSession('e2e');
    ({ dataDir, page, studio, pageErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('creates a job from an example, runs it and reports the written file', async () => {
    const startedAt = Date.now();
    await studio.openJobs();
    await screenshot(page, '01-jobs-empty');

    await studio.createJobFromExample('generate-to-csv', 'orders-e2e');
    expect(await studio.jobName()).toBe('orders-e2e');
    expect(await studio.flowNodes()).toEqual([
      'input:generate',
      'processor:filter',
      'processor:mapping',
      'output:file',
    ]);
    await page.getByTestId('config-valid').waitFor();
    await screenshot(page, '02-job-created');

    await studio.openJob('orders-e2e');
    await studio.run();
    await studio.waitForStatus('completed');
    const latest = await studio.latestExecution('completed');
    expect(latest.written).toBeGreaterThan(0);
    // The filter drops empty and void orders, so fewer rows are written than the 10,000 generated.
    expect(latest.written).toBeLessThan(10_000);
    await studio.showTab('progress');
    expect(Number((await studio.text('progress-written')).replace(/[^\d]/g, ''))).toBe(latest.written);
    // Where each processor's rows went: the filter dropped exactly what was not written.
    const filterStep = page.locator('[data-testid="run-step"][data-path="pipeline.processors[0]"]');
    await filterStep.waitFor();
    const dropped = (await filterStep.getByTestId('run-step-dropped').textContent()) ?? '';
    expect(Number(dropped.replace(/[^\d]/g, ''))).toBe(10_000 - latest.written);
    // Kept with the execution: still there after a reload.
    await page.reload();
    await filterStep.getByTestId('run-step-dropped').waitFor();
    expect(await filterStep.getByTestId('run-step-dropped').textContent()).toBe(dropped);
    await screenshot(page, '03-job-completed');

    const csvPath = findWrittenFile(
      [dataDir, join(REPO_ROOT, 'resources', 'examples')],
      'output/orders.csv',
      startedAt - 1000,
    );
    expect(csvPath, 'the run wrote output/orders.csv under the data dir').not.toBeNull();
    const csv = readCsv(csvPath as string);
    expect(csv.header).toEqual(['order_id', 'customer_id', 'qty', 'price', 'status', 'created_at']);
    expect(csv.rows).toHaveLength(latest.written);
    expect(csv.rows.every((row) => Number(row[2]) > 0 && row[4] !== 'void')).toBe(true);

    await studio.switchLanguage('zh-CN');
    expect(await studio.text('nav-jobs')).toBe('作业');
    expect(await studio.text('job-status')).toBe('已完成');
    expect(await studio.text('job-run')).toContain('运行');
    await screenshot(page, '04-job-zh');

    await studio.openJobs();
    const row = page.locator('[data-testid="job-row"][data-job-name="orders-e2e"]');
    expect(await row.getByTestId('job-row-status').getAttribute('data-status')).toBe('completed');
    await screenshot(page, '05-jobs-zh');

    await page.getByTestId('nav-plugins').click();
    await page.getByTestId('plugin-group-input').waitFor();
    await screenshot(page, '06-plugins-zh');

    expect(pageErrors).toEqual([]);
  });

  it('shows config problems where they are, refuses to save them, and reports a failed run', async () => {
    await studio.switchLanguage('en');
    await studio.openJobs();
    await studio.createJobFromExample('sqlite-to-jsonl', 'broken-e2e');
    await page.getByTestId('config-valid').waitFor();

    // A misspelt column in a filter: located in the list, and the node carries the problem.
    const broken = `version: 1
input:
  type: generate
  count: 100
  columns:
    - { name: id, generator: sequence }
    - { name: stock, generator: random_int, min: 0, max: 9 }
pipeline:
  processors:
    - type: filter
      condition: stok > 0
output:
  type: file
  path: output/stock.csv
`;
    await studio.replaceYaml(broken);
    const problems = page.getByTestId('problem-list');
    await problems.waitFor();
    expect((await problems.textContent()) ?? '').toContain(
      'broken-e2e.yaml:11:18: pipeline.processors[0].condition: unknown column "stok" (did you mean "stock"?)',
    );
    expect(await studio.text('problem-count')).toContain('1');
    expect(await page.getByTestId('flow-node').count()).toBe(3);
    await expect.poll(() => studio.flowFits(), { timeout: 5000 }).toBe(true);
    await screenshot(page, '07-config-problem');
    await page.getByTestId('job-save').click();
    await page.getByTestId('error-banner').waitFor();
    expect(await studio.text('save-state')).toBe('Unsaved changes');

    // Valid, but the database file is missing: the run fails and says why.
    await studio.replaceYaml(`version: 1
input:
  type: sqlite
  path: missing/shop.db
  query: { table: products }
output:
  type: file
  path: output/products.jsonl
`);
    await page.getByTestId('config-valid').waitFor();
    await page.getByTestId('job-save').click();
    await page.locator('[data-testid="save-state"]', { hasText: 'Saved' }).waitFor();
    await studio.run();
    await studio.waitForStatus('failed');
    expect(await studio.text('run-error')).toContain('missing/shop.db');
    const latest = await studio.latestExecution('failed');
    expect(latest.written).toBe(0);
    await screenshot(page, '08-run-failed');
    // The refused save is the only thing the browser reports.
    expect(pageErrors).toEqual([
      'console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
    ]);
  });
});
