import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { findWrittenFile } from './support/output-file';
import { REPO_ROOT } from './support/studio-server';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The step preview as a user meets it on the job page: click a node of the flow graph and see the
 * rows after that step, its counts, its column types, rejected rows with their errors; the
 * editor's unsaved YAML is what runs, and nothing is written.
 */

describe('the step preview on the job page', () => {
  let session: StudioSession;
  let dataDir: string;
  let page: Page;
  let studio: StudioPage;
  let pageErrors: string[];
  const startedAt = Date.now();

  beforeAll(async () => {
    session = await openStudioSession('e2e-steps');
    ({ dataDir, page, studio, pageErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  const panel = () => page.getByTestId('step-preview');
  const node = (id: string) => page.locator(`[data-testid="flow-node"][data-node-id="${id}"]`);
  const columnNames = () =>
    panel()
      .locator('[data-testid="step-preview-grid"] [data-testid="grid-column"]')
      .evaluateAll((heads) => heads.map((head) => head.getAttribute('data-column')));
  /** Opens a node's preview and waits for the preview of the YAML as it is (the panel names the node it shows). */
  const open = async (id: string) => {
    const ready = page.locator(`[data-testid="step-preview"][data-node-id="${id}"][data-ready="true"]`);
    // A click that lands while the graph is still fitting itself into view (a loaded machine) is
    // lost: click again rather than wait for a preview nobody asked for.
    for (let attempt = 1; ; attempt++) {
      await node(id).click();
      try {
        await ready.waitFor({ timeout: 10_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  };
  const counts = async () => (await panel().getByTestId('step-preview-counts').textContent()) ?? '';

  it('shows the rows after the filter and after the mapping, and writes nothing', async () => {
    await studio.openJobs();
    await studio.createJobFromExample('generate-to-csv', 'steps-e2e');
    await page.getByTestId('config-valid').waitFor();

    await open('pipeline.processors[0]');
    const filterCounts = await counts();
    const [, rowsIn, rowsOut] = /^(\d+) rows in → (\d+) out/.exec(filterCounts) ?? [];
    expect(Number(rowsIn)).toBe(100);
    expect(Number(rowsOut)).toBeGreaterThan(0);
    expect(Number(rowsOut)).toBeLessThan(100);
    expect(filterCounts).toContain(`${100 - Number(rowsOut)} dropped`);
    expect(filterCounts).toContain('0 rejected');
    expect(filterCounts).toMatch(/\d+(\.\d+)? ms/);
    expect(await columnNames()).toEqual(['id', 'user_id', 'qty', 'price', 'status', 'created_at']);
    const typeLine = await panel().locator('[data-testid="grid-column"][data-column="price"]').textContent();
    expect(typeLine).toContain('decimal');
    // Only paid and pending orders with a quantity get through.
    const statuses = await panel()
      .locator('[data-testid="step-preview-grid"] [data-testid="grid-row"]')
      .evaluateAll((rows) =>
        rows.map((row) => row.querySelectorAll('[data-testid="grid-cell"]')[4]?.textContent ?? ''),
      );
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 'paid' || status === 'pending')).toBe(true);
    await screenshot(page, 'step-preview-01-filter');

    await open('pipeline.processors[1]');
    expect(await columnNames()).toEqual(['order_id', 'customer_id', 'qty', 'price', 'status', 'created_at']);
    expect(await counts()).toMatch(new RegExp(`^${rowsOut} rows in → ${rowsOut} out`));
    await screenshot(page, 'step-preview-02-mapping');

    await open('output');
    expect(await columnNames()).toEqual(['order_id', 'customer_id', 'qty', 'price', 'status', 'created_at']);
    expect(await counts()).toContain(`${rowsOut} rows`);

    await open('input');
    expect(await counts()).toContain('100 rows');

    const written = findWrittenFile(
      [dataDir, join(REPO_ROOT, 'resources', 'examples')],
      'output/orders.csv',
      startedAt - 1000,
    );
    expect(written, 'the step preview wrote no output file').toBeNull();
    expect(pageErrors).toEqual([]);
  });

  it('runs the editor’s unsaved YAML: rejected rows with their errors, a failing step, branches', async () => {
    const draft = `version: 1
input:
  type: generate
  count: 1000
  seed: 5
  columns:
    - { name: id, generator: sequence, start: 1 }
    - { name: qty, generator: random_int, min: 0, max: 3 }
pipeline:
  processors:
    - type: transform
      fields: { unit: 12 / qty }
    - type: aggregate
      aggregates: { orders: count(*), total: sum(qty) }
output:
  type: file
  path: output/units.csv
`;
    await studio.replaceYaml(draft);
    await page.getByTestId('config-valid').waitFor();
    await page.locator('[data-testid="save-state"]', { hasText: 'Unsaved' }).waitFor();
    await open('pipeline.processors[0]');
    await panel().getByTestId('step-preview-rejected').waitFor();
    const rejectedCount = await panel().getByTestId('step-preview-rejected-count').textContent();
    expect(Number(/(\d+) rejected/.exec(rejectedCount ?? '')?.[1])).toBeGreaterThan(0);
    const firstError = await panel()
      .locator('[data-testid="step-preview-rejected-grid"] [data-testid="grid-cell"]')
      .first()
      .textContent();
    expect(firstError).toMatch(/fields\.unit: .*division by zero/);
    await panel().getByTestId('step-preview-rejected').scrollIntoViewIfNeeded();
    await screenshot(page, 'step-preview-03-rejected');

    await open('pipeline.processors[1]');
    expect(await columnNames()).toEqual(['orders', 'total']);
    expect(await counts()).toContain('→ 1 out');
    await screenshot(page, 'step-preview-04-aggregate');

    // Under on_error: fail the first bad row stops the step: the steps after it and the output get nothing.
    await studio.replaceYaml(
      draft.replace('    - type: transform\n', '    - type: transform\n      on_error: fail\n'),
    );
    await page.getByTestId('config-valid').waitFor();
    await node('output').click();
    await panel().getByTestId('step-preview-not-run').waitFor();
    expect(await panel().getByTestId('step-preview-not-run').textContent()).toBe(
      'No rows reach it: pipeline.processors[0] stopped them.',
    );
    await open('pipeline.processors[0]');
    expect(await panel().getByTestId('step-preview-error').textContent()).toMatch(
      /^pipeline\.processors\[0\]: fields\.unit: .*division by zero \(on_error: fail; row \d+ of its input/,
    );
    await screenshot(page, 'step-preview-05-failed');

    // A conditional: each branch shows the rows sent its way, each branch output what reaches it.
    await studio.replaceYaml(`version: 1
input:
  type: generate
  count: 1000
  seed: 5
  columns:
    - { name: id, generator: sequence, start: 1 }
    - { name: qty, generator: random_int, min: 0, max: 3 }
pipeline:
  processors:
    - type: conditional
      branches:
        - name: big
          when: qty >= 2
          processors:
            - type: mapping
              fields: { big_id: id, big_qty: qty }
          output: { type: file, path: output/big.csv }
      else:
        output: { type: file, path: output/small.csv }
`);
    await page.getByTestId('config-valid').waitFor();
    await open('pipeline.processors[0].branches[0].output');
    expect(await columnNames()).toEqual(['big_id', 'big_qty']);
    const big = Number(/^(\d+) rows/.exec(await counts())?.[1]);
    await open('pipeline.processors[0].else');
    const small = Number(/^(\d+) rows in/.exec(await counts())?.[1]);
    expect(big + small).toBe(100);
    await screenshot(page, 'step-preview-06-branch');

    await studio.switchLanguage('zh-CN');
    await open('pipeline.processors[0].branches[0]');
    expect(await panel().getByTestId('step-preview-title').textContent()).toBe('步骤预览');
    expect(await counts()).toMatch(/^输入 \d+ 行 → 输出 \d+ 行/);
    await screenshot(page, 'step-preview-07-zh');
    await studio.switchLanguage('en');

    expect(pageErrors).toEqual([]);
  });
});
