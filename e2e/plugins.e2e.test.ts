import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The Plugins page: search, switching a processor off (validation and runs refuse it) and on,
 * a component's field reference, and an example opened in the designer as a new job.
 */

const DISABLED_FILTER = 'processor "filter" is disabled in this installation';

describe('the Plugins page', () => {
  let session: StudioSession;
  let page: Page;
  let studio: StudioPage;

  beforeAll(async () => {
    session = await openStudioSession('plugins');
    ({ page, studio } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  const rows = () =>
    page
      .getByTestId('plugin-row')
      .evaluateAll((elements) => elements.map((e) => e.getAttribute('data-plugin')));
  const row = (plugin: string) => page.locator(`[data-testid="plugin-row"][data-plugin="${plugin}"]`);
  const openPlugins = async () => {
    await page.goto(`${session.server.url}/#/plugins`);
    await row('input/generate').waitFor();
  };
  const api = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${session.server.url}/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as T;
  };

  it('narrows the list as you search, grouped by kind then category', async () => {
    await openPlugins();
    const all = await rows();
    expect(all.length).toBeGreaterThan(15);
    expect(all.slice(0, 3)).toEqual(['input/mysql', 'input/postgresql', 'input/sqlite']); // databases first
    await screenshot(page, 'plugins-01-list-en');

    await page.getByTestId('plugins-search').fill('sqlite');
    // The two SQLite connectors, and enrichment, which looks values up in SQLite among others.
    await expect.poll(rows).toEqual(['input/sqlite', 'processor/enrichment', 'output/sqlite']);
    await page.getByTestId('plugins-search').fill('JSON_');
    await expect.poll(rows).toEqual(['processor/json_decode', 'processor/json_encode']);
    expect(await page.getByTestId('plugin-group-input').count()).toBe(0);
    await screenshot(page, 'plugins-02-search');
    await page.getByTestId('plugins-search').fill('no such thing');
    await page.getByTestId('plugins-no-match').waitFor();
    await page.getByTestId('plugins-search').fill('');
    await expect.poll(async () => (await rows()).length).toBe(all.length);
  });

  it('switches a processor off: its row says so, validation and runs refuse it; and on again', async () => {
    // A job that uses `filter`, created while it is on.
    await studio.openJobs();
    await studio.createJobFromExample('generate-to-csv', 'uses-filter');
    await page.getByTestId('config-valid').waitFor();

    await openPlugins();
    const filter = row('processor/filter');
    await filter.getByTestId('plugin-switch').click();
    await page.locator('[data-plugin="processor/filter"][data-enabled="false"]').waitFor();
    expect(await filter.getByTestId('plugin-switch').getAttribute('aria-checked')).toBe('false');
    expect(await filter.getByTestId('plugin-disabled').textContent()).toBe('Disabled');
    await screenshot(page, 'plugins-03-filter-disabled');
    // Stored: still off after a reload.
    await page.reload();
    await page.locator('[data-plugin="processor/filter"][data-enabled="false"]').waitFor();

    const checked = await api<{ valid: boolean; problems: { message: string }[] }>('/configs/validate', {
      config_yaml:
        'version: 1\ninput: { type: generate, columns: [{ name: id, generator: sequence }] }\npipeline:\n  processors:\n    - { type: filter, condition: id > 1 }\noutput: { type: file, path: out.csv }\n',
    });
    expect(checked.valid).toBe(false);
    expect(checked.problems.map((p) => p.message).join('\n')).toContain(DISABLED_FILTER);

    // The job page marks the YAML, and the run is refused.
    await studio.openJob('uses-filter');
    const problems = page.getByTestId('problem-list');
    await problems.waitFor();
    expect(await problems.textContent()).toContain(DISABLED_FILTER);
    await studio.run();
    await page.getByTestId('error-banner').first().waitFor();
    expect(await page.getByTestId('error-banner').first().textContent()).toContain(DISABLED_FILTER);
    await screenshot(page, 'plugins-04-job-refused');

    await openPlugins();
    await row('processor/filter').getByTestId('plugin-switch').click();
    await page.locator('[data-plugin="processor/filter"][data-enabled="true"]').waitFor();
    await studio.openJob('uses-filter');
    await page.getByTestId('config-valid').waitFor();
  });

  it('shows a component with its field reference, and opens an example in the designer', async () => {
    await openPlugins();
    await row('input/generate').click();
    await page.getByTestId('plugin-detail').waitFor();
    expect(page.url()).toContain('#/plugins/input/generate');
    const field = (key: string) => page.locator(`[data-testid="plugin-field"][data-field="${key}"]`);
    await field('columns[].name').waitFor();
    expect(await field('count').textContent()).toContain('required');
    expect(await field('columns[]<0>').textContent()).toContain('generator: sequence');
    await screenshot(page, 'plugins-05-detail-generate');

    await page.goto(`${session.server.url}/#/plugins/processor/filter`);
    await field('condition').waitFor();
    expect(await studio.text('plugin-detail-title')).toBe('Filter');
    expect(await field('mode').textContent()).toContain('exclude');
    expect(await field('on_error').textContent()).toContain('dead_letter');
    await screenshot(page, 'plugins-06-detail-filter');

    const example = page.getByTestId('plugin-example').first();
    const condition = "qty > 0 AND status <> 'void'";
    expect(await example.textContent()).toContain(condition);
    await example.getByTestId('plugin-example-open').click();
    await page.getByTestId('job-page').waitFor();
    expect(await studio.jobName()).toBe('filter-processor-example-1');
    await page.getByTestId('config-valid').waitFor();
    const id = /#\/jobs\/([^/?]+)/.exec(page.url())?.[1] ?? '';
    const job = await api<{ config_yaml: string }>(`/jobs/${id}`);
    expect(job.config_yaml).toContain(`condition: ${condition}`);
    expect(job.config_yaml).toContain('type: generate');
    const editor = (await page.locator('[data-testid="yaml-editor"] .view-lines').textContent()) ?? '';
    expect(editor.replace(/\u00a0/g, ' ')).toContain('type: filter');
    await screenshot(page, 'plugins-07-example-job');
  });

  it('reads in Chinese', async () => {
    await openPlugins();
    await studio.switchLanguage('zh-CN');
    expect(await page.getByTestId('plugins-search').getAttribute('placeholder')).toBe(
      '按名称、标题、类别或描述搜索',
    );
    expect(await row('processor/filter').getByTestId('plugin-kind').textContent()).toBe('处理器');
    await screenshot(page, 'plugins-08-list-zh');
    await row('input/generate').click();
    await page.locator('[data-testid="plugin-field"][data-field="count"]').waitFor();
    expect(await page.locator('[data-testid="plugin-field"][data-field="count"]').textContent()).toContain(
      '必填',
    );
    await screenshot(page, 'plugins-09-detail-zh');
    await studio.switchLanguage('en');
  });
});
