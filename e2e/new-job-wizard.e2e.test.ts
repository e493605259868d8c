import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHttpClient } from '../src-shared/api/http-client';
import { screenshot } from './support/browser';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The new-job wizard, step by step: basics → design → schedule (next run times as the cron
 * expression is typed) → validate and preview → create; the job holds what each step set.
 */

describe('the new-job wizard', () => {
  let session: StudioSession;
  let page: Page;
  let studio: StudioPage;

  beforeAll(async () => {
    session = await openStudioSession('e2e-wizard');
    ({ page, studio } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('creates a scheduled job from an example, checked and previewed first', async () => {
    await studio.openJobs();
    await page.getByTestId('new-job').click();
    const wizard = page.getByTestId('new-job-wizard');
    await wizard.waitFor();
    await wizard
      .locator('[data-testid="new-job-template"] option[value="generate-to-csv"]')
      .waitFor({ state: 'attached' });
    await wizard.getByTestId('new-job-template').selectOption('generate-to-csv');
    expect(await wizard.getByTestId('new-job-name').inputValue()).toBe('generate-to-csv');
    await wizard.getByTestId('new-job-name').fill('nightly-orders');
    await wizard.getByTestId('new-job-description').fill('Orders every weekday night');
    await screenshot(page, 'wizard-1-basics');

    await wizard.getByTestId('wizard-next').click();
    await wizard.getByTestId('wizard-design').waitFor();
    await page.getByTestId('config-valid').waitFor();
    await page.locator('[data-testid="flow-node"]').first().waitFor();
    await screenshot(page, 'wizard-2-design');

    await wizard.getByTestId('wizard-next').click();
    await wizard.getByTestId('wizard-cron').check();
    await wizard.getByTestId('wizard-cron-expression').fill('0 25 * * *');
    expect(await wizard.getByTestId('wizard-cron-error').textContent()).toContain(
      'Invalid value for hour: 25',
    );
    await wizard.getByTestId('wizard-cron-expression').fill('0 2 * * 1-5');
    await wizard.getByTestId('wizard-timezone').selectOption('Asia/Shanghai');
    const runs = wizard.locator('[data-testid="wizard-next-runs"] li');
    await expect.poll(() => runs.count()).toBe(5);
    // Weekdays only, at 02:00 in Shanghai.
    for (const text of await runs.allTextContents()) expect(text).toMatch(/2:00\s?AM/);
    await screenshot(page, 'wizard-3-schedule');

    await wizard.getByTestId('wizard-next').click();
    await wizard.getByTestId('wizard-valid').waitFor();
    await wizard.getByTestId('wizard-preview-grid').waitFor();
    expect(await wizard.getByTestId('wizard-preview-note').textContent()).toContain(
      'rows the output would be handed',
    );
    await screenshot(page, 'wizard-4-check');

    await wizard.getByTestId('new-job-create').click();
    await page.getByTestId('job-page').waitFor();
    expect(await page.getByTestId('job-name').textContent()).toBe('nightly-orders');
    const client = createHttpClient(session.server.url);
    const { api } = client;
    const summary = (await api.listJobs({})).find((j) => j.name === 'nightly-orders');
    const job = await api.getJob({ id: summary?.id ?? '' });
    client.close();
    expect(parse(job.config_yaml).job).toMatchObject({
      name: 'nightly-orders',
      description: 'Orders every weekday night',
      schedule: '0 2 * * 1-5',
      timezone: 'Asia/Shanghai',
    });
    expect(session.pageErrors).toEqual([]);
  });

  it('refuses to go on without a name, and says so', async () => {
    await studio.openJobs();
    await page.getByTestId('new-job').click();
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('error-banner').textContent()).toContain('A job needs a name');
    await page.getByTestId('wizard-cancel').click();
    await page.getByTestId('jobs-page').waitFor();
  });
});
