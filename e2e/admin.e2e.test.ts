import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../src-shared/api/model';
import { screenshot } from './support/browser';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The admin pages: a setting changed in the UI lands in settings.yaml and a bad edit of that file
 * is shown with its place; an alert rule is created and test-fired (its notification appears);
 * the audit log shows who changed a job, with the YAML diff; and the pages in Chinese.
 */

const config = (count: number) => `version: 1
input:
  type: generate
  count: ${count}
  columns:
    - { name: id, generator: sequence }
output:
  type: file
  path: out.csv
`;

describe('settings, alerts and the audit log', () => {
  let session: StudioSession;
  let page: Page;

  beforeAll(async () => {
    session = await openStudioSession('admin');
    ({ page } = session);
  });

  afterAll(async () => {
    expect(session?.pageErrors ?? []).toEqual([]);
    await session?.close();
  });

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${session.server.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-fustgo-user': 'ops-bot' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.ok).toBe(true);
    return (await response.json()) as T;
  };
  const settingsFile = () => join(session.dataDir, 'settings.yaml');

  it('changes a setting in the UI: applied, written to settings.yaml', async () => {
    await page.goto(`${session.server.url}/#/settings`);
    await page.getByTestId('settings-max-jobs').waitFor();
    expect(await page.getByTestId('settings-max-jobs').inputValue()).toBe('5');
    expect(await page.getByTestId('settings-plugins').textContent()).toMatch(
      /\d+ of \d+ components are switched on/,
    );
    await screenshot(page, 'admin-01-settings');

    await page.getByTestId('settings-max-jobs').fill('0');
    expect(await page.getByTestId('settings-save').isDisabled()).toBe(true); // not a valid count
    await page.getByTestId('settings-max-jobs').fill('3');
    await page.getByTestId('settings-log-level').selectOption('debug');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await screenshot(page, 'admin-02-settings-saved');
    const text = readFileSync(settingsFile(), 'utf8');
    expect(text).toContain('max_concurrent_jobs: 3');
    expect(text).toContain('log_level: debug');
    expect(text).toContain('# Runs at once in the whole app'); // the comments stay
  });

  it('shows a bad edit of settings.yaml with its place, and takes the next good one', async () => {
    const good = readFileSync(settingsFile(), 'utf8');
    const line = good.split('\n').findIndex((l) => l.includes('max_concurrent_jobs')) + 1;
    writeFileSync(settingsFile(), good.replace('max_concurrent_jobs: 3', 'max_concurrent_jobs: lots'));
    await expect
      .poll(async () => (await api<{ file_problems: unknown[] }>('GET', '/settings')).file_problems.length)
      .toBe(1);
    await page.reload();
    const problems = page.getByTestId('settings-file-problems');
    await problems.waitFor();
    expect(await problems.textContent()).toContain(
      `settings.yaml:${line}:3: worker.max_concurrent_jobs: must be an integer ≥ 1`,
    );
    // The last good value stays in force.
    await expect.poll(() => page.getByTestId('settings-max-jobs').inputValue()).toBe('3');
    await screenshot(page, 'admin-03-settings-file-problem');

    writeFileSync(settingsFile(), good.replace('max_concurrent_jobs: 3', 'max_concurrent_jobs: 4'));
    await expect
      .poll(
        async () =>
          (await api<{ values: { worker: { max_concurrent_jobs: number } } }>('GET', '/settings')).values,
      )
      .toMatchObject({ worker: { max_concurrent_jobs: 4 } });
    await page.reload();
    await page.getByTestId('settings-max-jobs').waitFor();
    expect(await page.getByTestId('settings-max-jobs').inputValue()).toBe('4');
    expect(await page.getByTestId('settings-file-problems').count()).toBe(0);
  });

  it('creates an alert rule and test-fires it: the notification appears and the history keeps it', async () => {
    await page.goto(`${session.server.url}/#/alerts`);
    await page.getByTestId('alert-rules-empty').waitFor();
    await page.getByTestId('new-alert-rule').click();
    const dialog = page.getByTestId('alert-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('alert-name').fill('nightly too slow');
    await dialog.getByTestId('alert-kind').selectOption('throughput_below');
    await dialog.getByTestId('alert-rows').fill('500');
    await dialog.getByTestId('alert-minutes').fill('10');
    await dialog.getByTestId('alert-action-log').check();
    await screenshot(page, 'admin-04-alert-editor');
    await dialog.getByTestId('alert-save').click();
    const row = page.locator('[data-testid="alert-rule-row"][data-rule-name="nightly too slow"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('under 500 rows/s for 10 min');

    await row.getByTestId('alert-rule-test').click();
    const notification = page.locator('[data-testid="notification"][data-key^="alert:"]');
    await notification.waitFor();
    expect(await notification.textContent()).toContain(
      'Test of alert rule "nightly too slow": it fires when a run moves fewer than 500 rows/s for 10 minutes (any job).',
    );
    expect(await notification.textContent()).toContain('nightly too slow');
    await row.getByTestId('alert-test-result').waitFor();
    expect(await row.getByTestId('alert-test-result').locator('[data-ok="true"]').count()).toBe(2);
    const history = page.locator('[data-testid="alert-history-row"][data-rule-name="nightly too slow"]');
    await history.first().waitFor();
    expect(await history.first().getAttribute('data-test')).toBe('true');
    await screenshot(page, 'admin-05-alert-test-fired');
  });

  it('shows the audit log with who changed a job, and the YAML diff of the change', async () => {
    const job = await api<Job>('POST', '/jobs', { name: 'audited-orders', config_yaml: config(100) });
    await api<Job>('PUT', `/jobs/${job.id}`, { id: job.id, config_yaml: config(250) });

    await page.goto(`${session.server.url}/#/audit`);
    const changed = page.locator('[data-testid="audit-row"][data-action="job.changed"]');
    await changed.waitFor();
    expect(await changed.getByTestId('audit-actor').textContent()).toBe('ops-bot');
    expect(await changed.getByTestId('audit-origin').textContent()).toBe('127.0.0.1');
    await changed.getByTestId('audit-toggle').click();
    const diff = page.getByTestId('audit-diff');
    await diff.waitFor();
    const lines = async (kind: string) =>
      (await diff.locator(`.admin-diff-${kind}`).allTextContents()).map((line) => line.trimEnd());
    expect(await lines('remove')).toEqual(['-  count: 100']);
    expect(await lines('add')).toEqual(['+  count: 250']);
    expect(await lines('file')).toEqual(['--- a/audited-orders.yaml', '+++ b/audited-orders.yaml']);
    // What the UI itself did earlier is there too: the settings saved and the rule created.
    expect(
      await page.locator('[data-testid="audit-row"][data-action="settings.changed"]').count(),
    ).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="audit-row"][data-action="alert_rule.created"]').count()).toBe(1);
    await screenshot(page, 'admin-06-audit-diff');

    await page.getByTestId('audit-action').selectOption('job.created');
    await expect.poll(() => page.getByTestId('audit-row').count()).toBe(1);
    await page.getByTestId('audit-action').selectOption('');
    await page.getByTestId('audit-search').fill('no such thing at all');
    await page.getByTestId('audit-empty').waitFor();
  });

  it('reads in Chinese', async () => {
    await page.getByTestId('language-switch').selectOption('zh-CN');
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId('alert-rule-row').first().waitFor();
    expect(await page.getByTestId('nav-alerts').textContent()).toBe('告警');
    await screenshot(page, 'admin-07-alerts-zh');
    await page.getByTestId('nav-audit').click();
    const changed = page.locator('[data-testid="audit-row"][data-action="job.changed"]');
    await changed.waitFor();
    expect(await page.getByTestId('nav-audit').textContent()).toBe('审计日志');
    await changed.getByTestId('audit-toggle').click();
    await page.getByTestId('audit-diff').waitFor();
    await screenshot(page, 'admin-08-audit-zh');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-max-jobs').waitFor();
    expect(await page.locator('h1').textContent()).toBe('设置');
    await screenshot(page, 'admin-09-settings-zh');
    await page.getByTestId('language-switch').selectOption('en');
  });
});
