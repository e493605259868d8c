import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { REPO_ROOT } from './support/studio-server';
import type { StudioPage } from './support/studio-page';
import { openStudioSession, type StudioSession } from './support/studio-session';

/*
 * The job's YAML editor driven by the pipeline JSON Schema (monaco-yaml): completion of keys and
 * values, hover docs, schema squiggles, beside our own validation markers; the SQL editor beside it
 * unchanged.
 */

/** A generate → filter → file pipeline whose filter section ends the text (pasting leaves the cursor there). */
const pipeline = (filterFields: string, outputFields = '') => `version: 1
input:
  type: generate
  count: 100
  columns:
    - { name: id, generator: sequence }
    - { name: stock, generator: random_int, min: 0, max: 9 }
output:
  type: file
  path: output/stock.csv
${outputFields}pipeline:
  processors:
    - type: filter
${filterFields}`;

describe('schema-driven YAML in the job editor', () => {
  let session: StudioSession;
  let page: Page;
  let studio: StudioPage;

  const editor = () => page.getByTestId('yaml-editor');
  const suggestions = () => page.locator('.suggest-widget .monaco-list-row');
  const hover = () => page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /\S/ }).last();
  /** The token that starts with `text` on the editor line that contains `line`. */
  const token = (line: string, text: string): Locator =>
    editor()
      .locator('.view-line', { hasText: line })
      .locator('span > span')
      .filter({ hasText: new RegExp(`^${text}`) })
      .first();

  /** The kinds of squiggle (`error`: ours, `warning`: the schema's) on the line that contains `line`, with their left edges. */
  async function squigglesOn(line: string): Promise<{ kind: string; left: number }[]> {
    const box = await editor().locator('.view-line', { hasText: line }).boundingBox();
    if (!box) return [];
    const squiggles = await editor()
      .locator('.squiggly-error, .squiggly-warning')
      .evaluateAll((elements) =>
        elements.map((element) => {
          const { top, left } = element.getBoundingClientRect();
          return { kind: element.classList.contains('squiggly-error') ? 'error' : 'warning', top, left };
        }),
      );
    return squiggles
      .filter((squiggle) => Math.abs(squiggle.top - box.y) < box.height / 2)
      .map(({ kind, left }) => ({ kind, left }));
  }

  /** Hovers a token and returns the text of the hover that opens; moves away first so it opens anew. */
  async function hoverText(line: string, text: string): Promise<string> {
    await page.mouse.move(0, 0);
    await page
      .locator('.monaco-hover:not(.hidden)')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await token(line, text).hover();
    await hover().waitFor();
    return (await hover().textContent()) ?? '';
  }

  /** Opens completion at the cursor and returns the labels offered. */
  async function completions(): Promise<string[]> {
    await page.keyboard.press('Control+Space');
    await suggestions().first().waitFor();
    return suggestions().evaluateAll((rows) =>
      rows.map((row) => row.querySelector('.label-name')?.textContent ?? ''),
    );
  }

  beforeAll(async () => {
    session = await openStudioSession('yaml-mode');
    ({ page, studio } = session);
    await studio.openJobs();
    await studio.createJobFromExample('generate-to-csv', 'yaml-mode');
    await page.getByTestId('config-valid').waitFor();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('completes a processor’s fields and their values from its schema', async () => {
    await studio.replaceYaml(pipeline('      condition: stock > 0\n      mo'));
    expect(await completions()).toContain('mode');
    // The focused suggestion carries the field's description from the schema.
    await page.locator('.suggest-widget .monaco-list-row.focused', { hasText: 'mode' }).waitFor();
    await screenshot(page, 'yaml-01-key-completion');
    await page.keyboard.press('Escape');

    await studio.replaceYaml(pipeline('      condition: stock > 0\n      mode: '));
    expect(await completions()).toEqual(expect.arrayContaining(['include', 'exclude']));
    await screenshot(page, 'yaml-02-value-completion');
    await page.keyboard.press('Escape');

    // A new item of the list offers the processor types, with what each does.
    await studio.replaceYaml(pipeline('      condition: stock > 0\n    - type: '));
    expect(await completions()).toEqual(expect.arrayContaining(['filter', 'mapping', 'conditional']));
    await screenshot(page, 'yaml-03-type-completion');
    await page.keyboard.press('Escape');
  });

  it('explains the component and each field on hover', async () => {
    await studio.replaceYaml(pipeline('      condition: stock > 0\n'));
    await page.getByTestId('config-valid').waitFor();

    expect(await hoverText('- type: filter', 'type')).toContain('Keeps rows whose SQL condition is true');
    await screenshot(page, 'yaml-04-hover-type');
    // The schema is loaded (the hover came from it) and the pipeline is valid: no squiggle once
    // monaco-yaml's debounced check has run (fields with defaults, like generate's seed, may be left out).
    await page.waitForTimeout(1500);
    expect(await editor().locator('.squiggly-warning, .squiggly-error').count()).toBe(0);

    expect(await hoverText('condition: stock', 'condition')).toContain(
      'SQL condition a row must meet to pass',
    );
    await screenshot(page, 'yaml-05-hover-field');
  });

  it('marks a value outside a field’s enum with the schema’s message, beside our own markers', async () => {
    await studio.replaceYaml(pipeline('      condition: stok > 0\n', '  mode: appnd\n'));
    // Ours: the unknown column, at its line and column (and the output's mode, which it checks too).
    const problems = page.getByTestId('problem-list');
    await problems.waitFor();
    expect(await problems.textContent()).toContain(
      'yaml-mode.yaml:15:18: pipeline.processors[0].condition: unknown column "stok" (did you mean "stock"?)',
    );
    // The schema's squiggles are warnings, ours errors.
    await editor().locator('.squiggly-warning').first().waitFor();
    await editor().locator('.squiggly-error').first().waitFor();

    const onMode = await hoverText('mode: appnd', 'appnd');
    expect(onMode).toContain('Value is not accepted. Valid values: "overwrite", "append".');
    await screenshot(page, 'yaml-06-schema-marker');

    const onColumn = await hoverText('condition: stok', 'stok');
    expect(onColumn).toContain('pipeline.processors[0].condition: unknown column "stok"');
    await screenshot(page, 'yaml-07-own-marker');

    // Each squiggle where its problem is: the schema's on the mode, ours on the condition's value.
    expect((await squigglesOn('mode: appnd')).map((squiggle) => squiggle.kind)).toContain('warning');
    const onCondition = await squigglesOn('condition: stok');
    expect(onCondition.map((squiggle) => squiggle.kind)).toEqual(['error']);
    const column = (await token('condition: stok', 'stok').boundingBox())?.x ?? -100;
    expect(Math.abs(onCondition[0].left - column)).toBeLessThan(3);
  });

  it('leaves the SQL editor as it was', async () => {
    const created = await page.evaluate(
      async (path) => {
        const response = await fetch('/api/v1/connections', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'shop', type: 'sqlite', config: { path } }),
        });
        return response.ok;
      },
      join(REPO_ROOT, 'resources', 'examples', 'data', 'shop.db'),
    );
    expect(created).toBe(true);
    await page.goto(`${session.server.url}/#/preview`);
    await page.getByTestId('preview-mode-sql').click();
    await page.getByTestId('sql-editor').waitFor();
    type PageGlobals = { navigator: { clipboard: { writeText(value: string): Promise<void> } } };
    await page.evaluate(
      (value) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(value),
      'SELECT id, name\nFROM products\nWHERE stock > 0\nORDER BY id\nLIMIT 3',
    );
    await page.locator('[data-testid="sql-editor"] .view-lines').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid="data-grid"][data-rows="3"]').waitFor();
    // No YAML squiggle on SQL (the YAML worker sees YAML models only).
    expect(await page.locator('[data-testid="sql-editor"] .squiggly-warning').count()).toBe(0);
    await screenshot(page, 'yaml-08-sql-editor');

    // Every worker started from the bundle (a CSP refusal or a fallback to the main thread is an error).
    expect(session.pageErrors).toEqual([]);
  });
});
