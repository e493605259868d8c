import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largePipeline, PROCESSORS } from '../scripts/designer-bench-pipeline';
import { createHttpClient } from '../src-shared/api/http-client';
import { screenshot } from './support/browser';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The designer on a large pipeline (150 processors closing in a conditional with four ways, the
 * pipeline `npm run bench:designer` times): it opens, lays out, and follows YAML edits. The
 * timings are the benchmark's business; this checks that it all works at that size.
 */

describe('the designer on a 150-processor pipeline', () => {
  let session: StudioSession;
  let page: Page;
  let studio: StudioPage;

  beforeAll(async () => {
    session = await openStudioSession('e2e-designer-scale');
    ({ page, studio } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  const node = (id: string) => page.locator(`[data-testid="flow-node"][data-node-id="${id}"]`);

  it('opens, lays out and follows a YAML edit', async () => {
    const client = createHttpClient(session.server.url);
    const job = await client.api.createJob({ name: 'large', config_yaml: largePipeline() });
    client.close();
    await page.goto(`${session.server.url}/#/jobs/${job.id}`);
    // A long flow opens at its start, readable; Fit view shows all of it.
    await node('input').waitFor();
    await page.getByTestId('config-valid').waitFor();
    await screenshot(page, 'designer-scale-1-open');

    await page.getByTestId('designer-layout').click();
    await node('input').waitFor();
    await page.getByTestId('designer-fit').click();
    await screenshot(page, 'designer-scale-2-fit');
    await page.getByTestId('designer-layout').click();
    await node('input').waitFor();

    // The first filter's condition, changed in the YAML, shows on its node.
    await studio.replaceYaml(largePipeline().replace('qty > 0 AND', 'qty > 4 AND'));
    await expect
      .poll(() => node('pipeline.processors[0]').locator('.flow-node-detail').textContent())
      .toContain('qty > 4 AND');
    await page.getByTestId('config-valid').waitFor();
    // The canvas draws the nodes in view (there are more than the screen holds).
    expect(await page.getByTestId('flow-node').count()).toBeGreaterThan(5);
    expect(await page.getByTestId('flow-node').count()).toBeLessThanOrEqual(PROCESSORS + 10);
    await screenshot(page, 'designer-scale-3-edited');
    expect(session.pageErrors).toEqual([]);
  });
});
