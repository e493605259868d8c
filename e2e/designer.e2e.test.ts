import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { screenshot } from './support/browser';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The flow designer on the job page: a generate → filter → file pipeline built on a blank job's
 * canvas by dragging components from the palette, the YAML following every canvas edit and the
 * canvas every YAML edit; errors made in either view marked in both; delete, undo and redo from
 * the keyboard; auto-layout; connections drawn between handles; Import and Export YAML; node
 * positions kept through save and reload; a run's row counts on the nodes; the views; Chinese.
 */

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe('the flow designer', () => {
  let session: StudioSession;
  let page: Page;
  let studio: StudioPage;

  beforeAll(async () => {
    session = await openStudioSession('e2e-designer');
    ({ page, studio } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  const canvas = () => page.getByTestId('flow-graph');
  const node = (id: string) => page.locator(`[data-testid="flow-node"][data-node-id="${id}"]`);
  const paletteItem = (component: string) =>
    page.locator(`[data-testid="palette-item"][data-component="${component}"]`);
  const box = async (locator: Locator): Promise<Box> => {
    const found = await locator.boundingBox();
    if (!found) throw new Error(`${locator.toString()} is not on screen`);
    return found;
  };
  /** `kind:type:status` of every node, in document order. */
  const nodes = () =>
    page
      .getByTestId('flow-node')
      .evaluateAll((elements) =>
        elements.map(
          (e) =>
            `${e.getAttribute('data-node-kind')}:${e.querySelector('.flow-node-type')?.textContent}:${e.getAttribute('data-status')}`,
        ),
      );
  /** The editor's whole text, copied out of it as a user would (Monaco draws only the lines in view). */
  const editorText = async (): Promise<string> => {
    type PageGlobals = { navigator: { clipboard: { readText(): Promise<string> } } };
    await page.locator('[data-testid="yaml-editor"] .view-lines').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+C');
    await page.keyboard.press('ControlOrMeta+Home');
    return page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText());
  };
  /**
   * Drops a palette component on the canvas by HTML drag and drop, at `at` (page coordinates) or at
   * a fraction of the canvas as it is now (the properties panel beside it takes room when a node is selected).
   */
  const dropComponent = async (
    component: string,
    at: { x: number; y: number } | { fx: number; fy: number },
  ) => {
    const area = await box(canvas());
    const point =
      'fx' in at ? { x: area.width * at.fx, y: area.height * at.fy } : { x: at.x - area.x, y: at.y - area.y };
    await paletteItem(component).dragTo(canvas(), { targetPosition: point });
  };
  /** Selects a node by clicking it (the job page then opens its step preview, which the test does not need). */
  const select = async (id: string) => {
    await node(id).click();
    await page.locator(`[data-testid="flow-node"][data-node-id="${id}"][data-selected="true"]`).waitFor();
  };
  const closeStepPreview = async () => {
    const close = page.getByTestId('step-preview-close');
    if ((await close.count()) > 0) await close.click();
  };
  /** Drags with the mouse in steps, as React Flow needs to see a drag. */
  const drag = async (from: { x: number; y: number }, to: { x: number; y: number }) => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + (to.x - from.x) / 2, from.y + (to.y - from.y) / 2, { steps: 8 });
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
  };
  const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
  const validated = () => page.getByTestId('config-valid').waitFor();

  let builtYaml = '';

  it('builds generate → filter → file by dragging components onto a blank job’s canvas', async () => {
    await studio.openJobs();
    await page.getByTestId('new-job').click();
    await page.getByTestId('new-job-name').fill('designer-e2e');
    await page.getByTestId('new-job-create').click();
    await page.getByTestId('job-page').waitFor();
    await validated();
    expect(await nodes()).toEqual(['input:generate:normal', 'output:file:normal']);
    // The palette lists the registry's components in their groups.
    expect(await page.getByTestId('palette-kind-processor').textContent()).toContain('Filter');
    await screenshot(page, 'designer-01-blank');

    // Start from nothing: the blank job's input and output go, by keyboard.
    await select('input');
    await page.keyboard.press('Delete');
    await select('output');
    await page.keyboard.press('Delete');
    await closeStepPreview();
    await expect.poll(nodes).toEqual(['input:?:error', 'output:?:error']);
    expect(await editorText()).not.toMatch(/^(input|output):/m);
    await node('input').hover();
    expect(await node('input').getByTestId('flow-node-issues').textContent()).toContain(
      'This Input has no type',
    );
    await screenshot(page, 'designer-02-emptied');

    await dropComponent('input/generate', { fx: 0.2, fy: 0.45 });
    await expect.poll(nodes).toEqual(['input:generate:normal', 'output:?:error']);
    await dropComponent('output/file', { fx: 0.75, fy: 0.45 });
    await expect.poll(nodes).toEqual(['input:generate:normal', 'output:file:normal']);
    // The filter goes on the edge between them.
    const input = await box(node('input'));
    const output = await box(node('output'));
    await dropComponent('processor/filter', {
      x: (input.x + input.width + output.x) / 2,
      y: input.y + input.height / 2,
    });
    await expect
      .poll(nodes)
      .toEqual(['input:generate:normal', 'processor:filter:error', 'output:file:normal']);

    // Each component started from its first example, written into the YAML.
    builtYaml = await editorText();
    expect(builtYaml).toMatch(/^input:\n {2}type: generate\n/m);
    expect(builtYaml).toMatch(
      /^pipeline:\n {2}processors:\n {4}- type: filter\n {6}condition: qty > 0 AND status <> 'void'\n/m,
    );
    expect(builtYaml).toMatch(/^output:\n {2}type: file\n/m);
    // The example's condition reads a column this input lacks: the node is red and says why.
    await node('pipeline.processors[0]').hover();
    await expect
      .poll(() => node('pipeline.processors[0]').getByTestId('flow-node-issues').textContent())
      .toContain('unknown column "qty"');
    await screenshot(page, 'designer-03-built');
  });

  it('follows a field changed in the YAML, and marks errors made there in both views', async () => {
    await studio.replaceYaml(builtYaml.replace('qty > 0', 'price > 100'));
    await validated();
    await expect
      .poll(() => node('pipeline.processors[0]').locator('.flow-node-detail').textContent())
      .toContain('price > 100');
    expect(await node('pipeline.processors[0]').getAttribute('data-status')).toBe('normal');
    await screenshot(page, 'designer-04-yaml-edit');

    // A misspelt column: the node turns red with the message, the editor marks the line.
    await studio.replaceYaml(builtYaml.replace('qty > 0', 'prize > 100'));
    await page
      .locator('[data-testid="flow-node"][data-node-id="pipeline.processors[0]"][data-status="error"]')
      .waitFor();
    await page.locator('[data-testid="yaml-editor"] .squiggly-error').first().waitFor();
    await node('pipeline.processors[0]').hover();
    expect(await node('pipeline.processors[0]').getByTestId('flow-node-issues').textContent()).toContain(
      'unknown column "prize"',
    );
    await screenshot(page, 'designer-05-bad-condition');
    // Validate on demand: the located problem in the banner.
    await page.getByTestId('job-validate').click();
    await expect
      .poll(() => page.getByTestId('error-banner').textContent())
      .toMatch(/designer-e2e\.yaml:\d+:\d+: pipeline\.processors\[0\]\.condition: unknown column "prize"/);
    await page.getByTestId('error-banner').getByRole('button').click();

    // Text that does not parse: a banner says where, the last good flow stays, the canvas is locked.
    await expect
      .poll(nodes)
      .toEqual(['input:generate:normal', 'processor:filter:error', 'output:file:normal']);
    const broken = builtYaml.replace('qty > 0', 'price > 100').replace('output:\n', 'output: [\n');
    await studio.replaceYaml(broken);
    const banner = page.getByTestId('yaml-error-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/The YAML does not parse at \d+:\d+: /);
    await expect
      .poll(nodes)
      .toEqual(['input:generate:normal', 'processor:filter:normal', 'output:file:normal']);
    expect(await paletteItem('processor/mapping').getAttribute('aria-disabled')).toBe('true');
    await select('pipeline.processors[0]');
    await page.keyboard.press('Delete');
    await page.getByTestId('designer-notice').waitFor();
    expect(await page.getByTestId('designer-notice').textContent()).toContain('Fix the YAML first');
    expect(await nodes()).toHaveLength(3);
    await page.getByTestId('designer-notice').getByRole('button').click();
    await closeStepPreview();
    await screenshot(page, 'designer-06-invalid-yaml');

    // Nothing typed was lost: fixing the one line brings the canvas back.
    await studio.replaceYaml(broken.replace('output: [\n', 'output:\n'));
    await banner.waitFor({ state: 'detached' });
    await validated();
    await page.getByTestId('job-validate').click();
    await expect.poll(() => page.getByTestId('job-validate').textContent()).toBe('✓ Config is valid');
    builtYaml = await editorText();
  });

  it('deletes from the keyboard, undoes and redoes, and lays the flow out', async () => {
    // An error made on the canvas: without an output, the node is red and the editor says so.
    await select('output');
    await page.keyboard.press('Delete');
    await closeStepPreview();
    await expect.poll(nodes).toEqual(['input:generate:normal', 'processor:filter:normal', 'output:?:error']);
    // The problem in the list takes the editor to its marker.
    await page.getByTestId('problem-list').getByText('missing required field "output"').click();
    await page.locator('[data-testid="yaml-editor"] .squiggly-error').first().waitFor();
    await screenshot(page, 'designer-07-deleted');

    await node('input').click();
    await page.keyboard.press('ControlOrMeta+Z');
    await expect
      .poll(nodes)
      .toEqual(['input:generate:normal', 'processor:filter:normal', 'output:file:normal']);
    await page.keyboard.press('ControlOrMeta+Shift+Z');
    await expect.poll(nodes).toEqual(['input:generate:normal', 'processor:filter:normal', 'output:?:error']);
    await page.getByTestId('designer-undo').click();
    await expect
      .poll(nodes)
      .toEqual(['input:generate:normal', 'processor:filter:normal', 'output:file:normal']);
    await closeStepPreview();
    await validated();
    expect(await editorText()).toBe(builtYaml);

    // Drag the filter out of line, then auto-layout puts the three in a row again.
    const filter = await box(node('pipeline.processors[0]'));
    await drag(centre(filter), { x: centre(filter).x, y: centre(filter).y + 120 });
    await closeStepPreview();
    await expect
      .poll(async () => (await box(node('pipeline.processors[0]'))).y)
      .toBeGreaterThan(filter.y + 60);
    await page.getByTestId('designer-layout').click();
    await expect
      .poll(async () => {
        const ys = await Promise.all(
          ['input', 'pipeline.processors[0]', 'output'].map(async (id) => (await box(node(id))).y),
        );
        return Math.max(...ys) - Math.min(...ys);
      })
      .toBeLessThan(2);
    await screenshot(page, 'designer-08-layout');

    // From the keyboard: search the palette, Enter adds the component at the end of the chain.
    await page.getByTestId('palette-search').fill('mapping');
    expect(
      await page
        .getByTestId('palette-item')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-component'))),
    ).toEqual(['processor/mapping']);
    await paletteItem('processor/mapping').focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(nodes)
      .toEqual([
        'input:generate:normal',
        'processor:filter:normal',
        'processor:mapping:normal',
        'output:file:normal',
      ]);
    await page.getByTestId('palette-search').fill('');
    await page.getByTestId('designer-undo').click();
    await expect.poll(nodes).toHaveLength(3);
    await validated();

    // Copy and paste from the keyboard: the copy goes after the selected filter.
    const shapes = async () => (await nodes()).map((shown) => shown.replace(/:[a-z]+$/, ''));
    await select('pipeline.processors[0]');
    await page.keyboard.press('ControlOrMeta+C');
    await page.keyboard.press('ControlOrMeta+V');
    await expect
      .poll(shapes)
      .toEqual(['input:generate', 'processor:filter', 'processor:filter', 'output:file']);
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(nodes).toHaveLength(3);
    // Shift-click adds to the selection; the context menu acts on all of it.
    await select('pipeline.processors[0]');
    await node('input').click({ modifiers: ['Shift'] });
    await page.locator('[data-testid="flow-node"][data-selected="true"]').nth(1).waitFor();
    expect(await page.locator('[data-testid="flow-node"][data-selected="true"]').count()).toBe(2);
    await node('pipeline.processors[0]').click({ button: 'right' });
    await page.getByTestId('canvas-menu').waitFor();
    // Duplicate is for processors only; the input is selected too.
    expect(await page.getByTestId('menu-duplicate').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await node('pipeline.processors[0]').click();
    await node('pipeline.processors[0]').click({ button: 'right' });
    await screenshot(page, 'designer-09-context-menu');
    await page.getByTestId('menu-duplicate').click();
    await expect
      .poll(shapes)
      .toEqual(['input:generate', 'processor:filter', 'processor:filter', 'output:file']);
    await page.getByTestId('designer-undo').click();
    await expect.poll(nodes).toHaveLength(3);
    await closeStepPreview();
    await validated();
  });

  it('connects by dragging between handles, and says why a connection is refused', async () => {
    const draft = `version: 1
job:
  name: designer-e2e
input:
  type: generate
  count: 1000
  seed: 3
  columns:
    - { name: id, generator: sequence }
    - { name: region, generator: choice, values: [EU, US, APAC] }
    - { name: price, generator: decimal, min: 1, max: 500, scale: 2 }
pipeline:
  processors:
    - type: filter
      condition: price > 10
    - type: transform
      set: { big: price > 250 }
    - type: conditional
      branches:
        - when: region = 'EU'
          output: { type: file, path: output/eu.csv }
      else:
        output: { type: file, path: output/rest.csv }
`;
    // Import YAML: the whole document replaced in one step.
    await page.getByTestId('designer-import').click();
    await page.getByTestId('import-yaml-text').fill(draft);
    await page.getByTestId('import-yaml-apply').click();
    await expect
      .poll(nodes)
      .toEqual([
        'input:generate:normal',
        'processor:filter:normal',
        'processor:transform:normal',
        'processor:conditional:normal',
        'branch:when:normal',
        'output:file:normal',
        'branch:else:normal',
        'output:file:normal',
      ]);
    await validated();

    // Input → transform: the transform moves to the front of the chain.
    const handle = (id: string, type: 'source' | 'target') => node(id).locator(`.react-flow__handle.${type}`);
    await drag(
      centre(await box(handle('input', 'source'))),
      centre(await box(handle('pipeline.processors[1]', 'target'))),
    );
    await expect
      .poll(nodes)
      .toEqual([
        'input:generate:normal',
        'processor:transform:normal',
        'processor:filter:normal',
        'processor:conditional:normal',
        'branch:when:normal',
        'output:file:normal',
        'branch:else:normal',
        'output:file:normal',
      ]);
    expect(await editorText()).toMatch(/- type: transform\n.*\n {4}- type: filter\n/);

    // Conditional → an output: refused, saying why, live while dragging and on release.
    const from = centre(await box(handle('pipeline.processors[2]', 'source')));
    const to = centre(await box(handle('pipeline.processors[2].else.output', 'target')));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await page.getByTestId('connection-hint').waitFor();
    expect(await page.getByTestId('connection-hint').textContent()).toBe(
      'Cannot connect: a conditional connects only to its branches',
    );
    await screenshot(page, 'designer-10-refused-connection');
    await page.mouse.up();
    expect(await page.getByTestId('designer-notice').textContent()).toContain(
      'a conditional connects only to its branches',
    );
    expect(await nodes()).toHaveLength(8);
    await page.getByTestId('designer-notice').getByRole('button').click();

    // The import was one step: Undo twice brings the pipeline built by hand back.
    await page.getByTestId('designer-undo').click();
    await page.getByTestId('designer-undo').click();
    await expect
      .poll(nodes)
      .toEqual(['input:generate:normal', 'processor:filter:normal', 'output:file:normal']);
    await validated();
  });

  it('exports the YAML with secrets as variables, and switches views', async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('designer-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('designer-e2e.yaml');
    const path = await file.path();
    await page.getByTestId('export-yaml-dialog').waitFor();
    expect(await page.getByTestId('export-yaml-dialog').textContent()).toContain('No secret values found');
    await page.getByTestId('export-yaml-dialog').getByRole('button').click();
    await page.getByTestId('export-yaml-dialog').waitFor({ state: 'detached' });
    // No secrets in this pipeline: the same config (exporting may re-wrap long lines).
    expect(parse(readFileSync(path, 'utf8'))).toEqual(parse(await editorText()));

    // Full screen: the workspace fills the screen (or, where the browser refuses, the window).
    await page.getByTestId('designer-fullscreen').click();
    await expect
      .poll(() =>
        page.evaluate(() => {
          type Doc = {
            fullscreenElement: { getAttribute(name: string): string | null } | null;
            querySelector(s: string): unknown;
          };
          const doc = (globalThis as unknown as { document: Doc }).document;
          return (
            doc.fullscreenElement?.getAttribute('data-testid') === 'designer-workspace' ||
            doc.querySelector('.designer-fullscreen') !== null
          );
        }),
      )
      .toBe(true);
    await expect.poll(() => page.getByTestId('designer-fullscreen').textContent()).toBe('Exit full screen');
    await page.getByTestId('designer-fullscreen').click();
    await expect.poll(() => page.getByTestId('designer-fullscreen').textContent()).toBe('Full screen');

    await page.getByTestId('designer-view-canvas').click();
    await page.getByTestId('yaml-editor').waitFor({ state: 'hidden' });
    await screenshot(page, 'designer-11-canvas-view');
    await page.getByTestId('designer-view-yaml').click();
    await canvas().waitFor({ state: 'hidden' });
    await page.getByTestId('palette').waitFor({ state: 'detached' });
    // Remembered in this browser (saved first: a reload drops unsaved work).
    await page.getByTestId('job-save').click();
    await page.locator('[data-testid="save-state"]', { hasText: 'Saved' }).waitFor();
    await page.reload();
    await page.getByTestId('job-page').waitFor();
    expect(await page.getByTestId('designer-workspace').getAttribute('data-view')).toBe('yaml');
    await page.getByTestId('designer-view-split').click();
    await canvas().waitFor();
    await validated();
  });

  it('keeps node positions through save and reload, and shows a run’s counts on the nodes', async () => {
    // The filter placed below the line: where the user put it, not where a layout would.
    const filter = await box(node('pipeline.processors[0]'));
    await drag(centre(filter), { x: centre(filter).x + 20, y: centre(filter).y + 90 });
    await closeStepPreview();
    /** The filter's place relative to the input, in flow coordinates (the zoom may differ after a reload). */
    const offset = async () => {
      const at = (id: string) =>
        node(id).evaluate((element) => {
          const match = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec(
            (element.parentElement as { style: { transform: string } }).style.transform,
          );
          return { x: Number(match?.[1]), y: Number(match?.[2]) };
        });
      const from = await at('input');
      const to = await at('pipeline.processors[0]');
      return { dx: Math.round(to.x - from.x), dy: Math.round(to.y - from.y) };
    };
    const before = await offset();
    expect(before.dy).toBeGreaterThan(50);
    await page.getByTestId('job-save').click();
    await page.locator('[data-testid="save-state"]', { hasText: 'Saved' }).waitFor();

    await page.reload();
    await page.getByTestId('job-page').waitFor();
    await validated();
    await node('pipeline.processors[0]').waitFor();
    expect(await offset()).toEqual(before);

    await studio.run();
    await studio.waitForStatus('completed');
    const count = (id: string) => node(id).getByTestId('flow-node-count');
    await count('output').waitFor();
    expect(await count('input').textContent()).toBe('10,000 read');
    const filterCount = (await count('pipeline.processors[0]').textContent()) ?? '';
    const [, rowsIn, rowsOut] = /^([\d,]+) → ([\d,]+)$/.exec(filterCount) ?? [];
    expect(rowsIn).toBe('10,000');
    expect(await count('output').textContent()).toBe(`${rowsOut} written`);
    await screenshot(page, 'designer-12-counts');

    await studio.switchLanguage('zh-CN');
    expect(await page.getByTestId('palette').locator('.panel-title').textContent()).toBe('组件');
    expect(await count('input').textContent()).toBe('读取 10,000');
    await screenshot(page, 'designer-13-zh');
    await studio.switchLanguage('en');

    // The step preview of a draft that does not validate answers 422 (its panel says why); the
    // browser logs each such answer as a console error.
    expect(session.pageErrors.filter((error) => !error.includes('status of 422'))).toEqual([]);
  });

  it('edits the selected node’s fields in the properties panel', async () => {
    await select('pipeline.processors[0]');
    await closeStepPreview();
    const panel = page.getByTestId('designer-properties');
    await panel.getByTestId('properties-panel').waitFor();
    const condition = panel.locator('[data-testid="field-condition"]');
    await condition.fill('price > 250');
    await condition.blur();
    await expect
      .poll(() => node('pipeline.processors[0]').locator('.flow-node-detail').textContent())
      .toBe('price > 250');
    expect(await editorText()).toMatch(/- type: filter\n {6}condition: price > 250\n/);
    await screenshot(page, 'designer-14-properties');
    await page.getByTestId('designer-properties-close').click();
    await panel.waitFor({ state: 'detached' });
  });

  it('edits the pipeline-wide settings (job and pipeline sections) in a form too', async () => {
    await page.getByTestId('designer-settings').click();
    const settings = page.getByTestId('pipeline-settings');
    await settings.waitFor();
    const channels = settings.locator('[data-testid="field-pipeline.channels"]');
    await channels.fill('3');
    await channels.blur();
    await expect.poll(editorText).toMatch(/\npipeline:\n[\s\S]*\n {2}channels: 3\n/);
    const description = settings.locator('[data-testid="field-job.description"]');
    await description.fill('Orders over 250');
    await description.blur();
    await expect.poll(editorText).toMatch(/\n {2}description: Orders over 250\n/);
    await screenshot(page, 'designer-15-pipeline-settings');
    await page.getByTestId('designer-settings-close').click();
    await settings.waitFor({ state: 'detached' });
  });
});
