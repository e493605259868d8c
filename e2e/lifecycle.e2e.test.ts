import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createHttpClient } from '../src-shared/api/http-client';
import { screenshot } from './support/browser';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * A job's lifecycle from the job page: Run, Pause (the run writes what it read and stops at a
 * checkpoint), Resume (it continues from there and every row arrives once), the runs with their
 * triggers, the lifecycle record, the on-off switch and Clone.
 */

// Enough rows that the run is still going when Pause is pressed, on a fast machine too.
const ROWS = 2_000_000;
const YAML = `version: 1
job: { name: lifecycle-e2e }
input:
  type: generate
  count: ${ROWS}
  batch_size: 1000
  columns:
    - { name: id, generator: sequence }
pipeline:
  channels: 2
output:
  type: sqlite
  path: out.db
  write: { table: t, mode: insert, batch_size: 1000 }
`;

describe('job lifecycle in the studio', () => {
  let session: StudioSession;
  let page: Page;
  let studio: StudioPage;

  beforeAll(async () => {
    session = await openStudioSession('lifecycle');
    ({ page, studio } = session);
    const client = createHttpClient(session.server.url);
    await client.api.createJob({ name: 'lifecycle-e2e', config_yaml: YAML });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('pauses a run at a checkpoint and resumes it to the end', async () => {
    await studio.openJob('lifecycle-e2e');
    expect(await page.getByTestId('job-state').getAttribute('data-status')).toBe('ready');
    await studio.run();
    // Pause once rows are flowing, so the resumed run has something to continue from.
    const written = async () =>
      Number(((await page.getByTestId('progress-written').textContent()) ?? '').replace(/[^\d]/g, ''));
    await expect.poll(written, { timeout: 60_000, interval: 100 }).toBeGreaterThan(20_000);
    await page.getByTestId('job-pause').click();
    await page.locator('[data-testid="job-state"][data-status="paused"]').waitFor({ timeout: 60_000 });
    await screenshot(page, 'lifecycle-01-paused');
    await studio.showTab('history');
    const pausedWritten = Number(
      ((await page.getByTestId('execution-written').first().textContent()) ?? '').replace(/[^\d]/g, ''),
    );
    expect(pausedWritten).toBeGreaterThan(20_000);
    expect(pausedWritten).toBeLessThan(ROWS);

    await page.getByTestId('job-resume').click();
    const latest = await studio.latestExecution('completed');
    expect(pausedWritten + latest.written).toBe(ROWS);
    const trigger = page.getByTestId('execution-trigger').first();
    expect(await trigger.textContent()).toContain('resume');
    expect(await trigger.textContent()).toContain('resumed');
    await screenshot(page, 'lifecycle-02-resumed');

    await studio.showTab('lifecycle');
    const moves = await page
      .getByTestId('transition-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-to')));
    expect(moves).toEqual(['completed', 'running', 'queued', 'paused', 'running', 'queued', 'ready']);
    await screenshot(page, 'lifecycle-03-transitions');
  });

  it('schedules the job from its Schedule tab: the cron goes into the YAML and the next runs show', async () => {
    await studio.showTab('schedule');
    await page.getByTestId('schedule-cron').check();
    await page.locator('[data-testid="schedule-next-runs"] li').first().waitFor();
    expect(await page.locator('[data-testid="schedule-next-runs"] li').count()).toBe(5);
    await page.getByTestId('job-save').click();
    await page.locator('[data-testid="save-state"]', { hasText: 'Saved' }).waitFor();
    const client = createHttpClient(session.server.url);
    const job = (await client.api.listJobs({})).find((j) => j.name === 'lifecycle-e2e')!;
    expect((await client.api.getJob({ id: job.id })).config_yaml).toMatch(
      /schedule: 0 2 \* \* \*|schedule: "0 2 \* \* \*"/,
    );
    const schedule = await client.api.getJobSchedule({ id: job.id });
    expect(schedule.next_runs).toHaveLength(5);
    await screenshot(page, 'lifecycle-05-schedule');
  });

  it('switches the job off and clones it (the copy starts switched off)', async () => {
    // The switch follows the stored job: it flips once the change is saved.
    await studio.showTab('lifecycle');
    await page.getByTestId('job-enabled').click();
    await page.locator('[data-testid="job-enabled"]:not(:checked)').waitFor();
    await page.locator('[data-testid="transition-row"]', { hasText: 'switched off' }).waitFor();
    await page.getByTestId('job-clone').click();
    await page.locator('[data-testid="job-name"]', { hasText: 'lifecycle-e2e copy' }).waitFor();
    expect(await page.getByTestId('job-enabled').isChecked()).toBe(false);
    expect(await page.getByTestId('job-state').getAttribute('data-status')).toBe('ready');

    await studio.switchLanguage('zh-CN');
    await studio.showTab('lifecycle');
    await page.getByTestId('transition-row').first().waitFor();
    expect(await page.getByTestId('job-tab-lifecycle').textContent()).toBe('生命周期');
    await screenshot(page, 'lifecycle-04-clone-zh');
  });
});
