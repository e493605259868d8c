import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The Logs page over a real `fustgo serve`: a job that skips rows it cannot decode runs, its lines
 * show up (live and queried), the level, job, execution and keyword filters narrow them with the
 * keyword highlighted, the record level is lowered through the API so the next run's debug lines
 * appear, following pauses and resumes, and the export downloads what is shown.
 */

/** 3,000 rows in 10 batches; half the rows have no JSON to decode and are skipped. */
const NOISY_JOB = `version: 1
job: { name: noisy-orders }
input:
  type: generate
  count: 3000
  batch_size: 300
  seed: 3
  columns:
    - { name: id, generator: sequence, start: 1 }
    - { name: meta, generator: choice, values: ['{"channel":"web"}', 'not json'] }
pipeline:
  processors:
    - type: json_decode
      on_error: skip
      field: meta
      fields: { channel: $.channel }
output:
  type: file
  path: output/noisy.csv
`;

interface Execution {
  id: string;
  status: string;
}

describe('the Logs page', () => {
  let session: StudioSession;
  let page: Page;
  let studio: StudioPage;
  let jobId: string;

  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${session.server.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };

  /** Starts the job and waits until its run ended. */
  const runJob = async (): Promise<Execution> => {
    const started = await call<Execution>('POST', `/jobs/${jobId}/start`, {});
    const deadline = Date.now() + 60_000;
    for (;;) {
      const execution = await call<Execution>('GET', `/executions/${started.id}`);
      if (!['queued', 'pending', 'running'].includes(execution.status)) return execution;
      if (Date.now() > deadline) throw new Error(`run ${started.id} still ${execution.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const lines = () => page.getByTestId('log-line');
  const levels = () => lines().evaluateAll((all) => all.map((line) => line.getAttribute('data-level')));
  const messages = () => page.getByTestId('log-message').allTextContents();
  const linesOf = (executionId: string) =>
    page.locator(`[data-testid="log-line"][data-execution="${executionId}"]`);
  const settled = () => page.locator('[data-testid="logs-lines"][data-loading="false"]').waitFor();

  beforeAll(async () => {
    session = await openStudioSession('logs');
    ({ page, studio } = session);
    jobId = (await call<{ id: string }>('POST', '/jobs', { name: 'noisy-orders', config_yaml: NOISY_JOB }))
      .id;
  });

  afterAll(async () => {
    await session?.close();
  });

  it("shows a run's lines live as it runs, and the app's own", async () => {
    await page.goto(`${session.server.url}/#/logs`);
    await page.getByTestId('logs-page').waitFor();
    await settled();
    expect(await page.getByTestId('logs-follow').getAttribute('data-following')).toBe('true');
    const first = await runJob();
    expect(first.status).toBe('completed');
    // Announced live, without reloading: the run's start, its warning about skipped rows, its end.
    await linesOf(first.id).first().waitFor();
    await expect.poll(async () => (await messages()).some((m) => m.startsWith('run completed'))).toBe(true);
    const shown = await messages();
    expect(shown.some((m) => m.includes('skipped') && m.includes('on_error: skip drops such rows'))).toBe(
      true,
    );
    expect(shown).toContain('services started');
    await screenshot(page, 'logs-01-live');

    // The same lines are there after a reload (read from the files), none at debug level yet.
    await page.reload();
    await settled();
    await linesOf(first.id).first().waitFor();
    expect(await levels()).not.toContain('debug');
  });

  it('filters by level, job, execution and keyword, highlighting the keyword', async () => {
    await page.getByTestId('logs-level').selectOption('warn');
    await settled();
    await expect.poll(async () => new Set(await levels())).toEqual(new Set(['warn']));

    await page.getByTestId('logs-level').selectOption('info');
    await page.getByTestId('logs-job').selectOption({ label: 'noisy-orders' });
    await settled();
    // Only the job's lines: every line names it.
    await expect
      .poll(async () => page.locator('.logs-source').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('noisy-orders')]));
    expect(
      (await page.locator('.logs-source').allTextContents()).every((s) => s.startsWith('noisy-orders')),
    ).toBe(true);
    const executionOptions = await page
      .getByTestId('logs-execution')
      .locator('option')
      .evaluateAll((options) =>
        options.map((o) => (o as unknown as { value: string }).value).filter(Boolean),
      );
    expect(executionOptions).toHaveLength(1);
    await page.getByTestId('logs-execution').selectOption(executionOptions[0]);
    await settled();
    expect(page.url()).toContain(`execution=${executionOptions[0]}`);

    await page.getByTestId('logs-keyword').fill('SKIPPED');
    await expect.poll(messages).toEqual([expect.stringMatching(/skipped .* rows it could not process/)]);
    expect((await page.getByTestId('log-match').allTextContents()).map((m) => m.toLowerCase())).toContain(
      'skipped',
    );
    await screenshot(page, 'logs-02-filtered');
    await page.getByTestId('logs-clear').click();
    await settled();
    expect(await page.getByTestId('logs-keyword').inputValue()).toBe('');
  });

  it('records debug lines once the level is lowered through the API, and shows them', async () => {
    expect(await call<{ level: string }>('GET', '/logs/level')).toEqual({ level: 'info' });
    expect(await call<{ level: string }>('PUT', '/logs/level', { level: 'debug' })).toEqual({
      level: 'debug',
    });
    // The page's own control follows a change made elsewhere.
    await expect.poll(() => page.getByTestId('logs-record-level').inputValue()).toBe('debug');

    await page.getByTestId('logs-level').selectOption('debug');
    await settled();
    const second = await runJob();
    // Live: the run's debug lines about later batches of skipped rows.
    await expect
      .poll(async () =>
        linesOf(second.id)
          .locator('[data-testid="log-message"]')
          .evaluateAll((all) => all.length),
      )
      .toBeGreaterThan(3);
    await expect
      .poll(async () => (await levels()).filter((level) => level === 'debug').length)
      .toBeGreaterThan(3);
    await screenshot(page, 'logs-03-debug');

    // Read back from the run's own file through the API too.
    const page1 = await call<{ entries: { level: string; message: string }[] }>(
      'GET',
      `/logs?execution_id=${second.id}&level=debug&limit=500`,
    );
    const debug = page1.entries.filter((entry) => entry.level === 'debug');
    expect(debug.length).toBeGreaterThan(3);
    expect(debug.every((entry) => entry.message.includes('skipped'))).toBe(true);
    await call('PUT', '/logs/level', { level: 'info' });
  });

  it('holds new lines while paused and shows them on resuming', async () => {
    await page.getByTestId('logs-level').selectOption('info');
    await settled();
    await page.getByTestId('logs-follow').click();
    expect(await page.getByTestId('logs-follow').getAttribute('data-following')).toBe('false');
    const before = await lines().count();
    await call('PUT', '/logs/level', { level: 'warn' });
    await call('PUT', '/logs/level', { level: 'info' });
    // The level is an app setting: each change is stored, and the settings say so at info when
    // that is recorded; each level change is said at the level that records it.
    await expect.poll(() => page.getByTestId('logs-follow').textContent()).toMatch(/3 new lines/);
    expect(await lines().count()).toBe(before);
    await screenshot(page, 'logs-04-paused');
    await page.getByTestId('logs-follow').click();
    await expect.poll(() => lines().count()).toBe(before + 3);
    const [newLevels, newMessages] = [(await levels()).slice(0, 3), (await messages()).slice(0, 3)];
    expect(newMessages.map((message, i) => `${newLevels[i]} ${message}`).sort()).toEqual([
      'info log level changed',
      'info settings changed',
      'warn log level changed',
    ]);
  });

  it('exports what the filter takes as JSON lines', async () => {
    await page.getByTestId('logs-keyword').fill('run completed');
    await expect.poll(messages).toHaveLength(2);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('logs-export-jsonl').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^fustgo-logs-all-.*\.jsonl$/);
    const path = await download.path();
    const exported = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; execution_id: string });
    expect(exported).toHaveLength(2);
    expect(exported.every((line) => line.msg.startsWith('run completed'))).toBe(true);
  });

  it('reads in Chinese', async () => {
    await page.getByTestId('logs-keyword').fill('');
    await expect.poll(() => lines().count()).toBeGreaterThan(2);
    await studio.switchLanguage('zh-CN');
    expect(await page.getByTestId('nav-logs').textContent()).toBe('日志');
    expect(await page.getByTestId('logs-record-level').inputValue()).toBe('info');
    expect(await page.locator('.logs-page h1').textContent()).toBe('日志');
    await screenshot(page, 'logs-05-zh');
    await studio.switchLanguage('en');
    expect(session.pageErrors).toEqual([]);
  });
});
