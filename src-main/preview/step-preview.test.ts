import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPipelineText, type LoadedConfig } from '../config';
import { defaultRegistry } from '../default-registry';
import { previewSteps } from './step-preview';

const registry = defaultRegistry({});
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fustgo-step-preview-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Loads without validating, so a step's bind error reaches the preview (validation would report it first). */
async function load(yaml: string): Promise<LoadedConfig> {
  const result = await loadPipelineText(yaml, 'pipeline.yaml', dir, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.loaded;
}

const input = (count: number) => `
input:
  type: generate
  count: ${count}
  seed: 3
  batch_size: 500
  columns:
    - { name: id, generator: sequence, start: 1 }
    - { name: qty, generator: random_int, min: 0, max: 3 }
    - { name: status, generator: choice, values: [paid, void] }
`;

const chain = (processors: string) => `version: 1
${input(1000)}
pipeline:
  processors:
${processors}
output: { type: file, path: out/orders.csv }
`;

const fourSteps = chain(`
    - type: filter
      condition: status <> 'void'
    - type: transform
      fields: { unit: 12 / qty }
    - type: aggregate
      group_by: [status]
      aggregates: { orders: count(*), total_qty: sum(qty) }
`);

describe('previewSteps', () => {
  it('shows the rows after every step, with what each left out, rejected and passed on', async () => {
    const preview = await previewSteps(await load(fourSteps), registry, { limit: 100 });
    expect(preview.input.type).toBe('generate');
    expect(preview.input.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:bigint',
      'qty:int',
      'status:string',
    ]);
    expect(preview.input.rows).toHaveLength(100);
    expect(preview.input.rows[0][0]).toBe(1);
    expect(preview.input.more).toBe(true);
    expect(preview.input.error).toBeUndefined();

    const [filter, transform, aggregate] = preview.steps;
    const voids = preview.input.rows.filter((row) => row[2] === 'void').length;
    expect(filter).toMatchObject({ path: 'pipeline.processors[0]', type: 'filter', onError: 'dead_letter' });
    expect(filter.rowsIn).toBe(100);
    expect(filter.dropped).toBe(voids);
    expect(filter.rowsOut).toBe(100 - voids);
    expect(filter.rows.every((row) => row[2] === 'paid')).toBe(true);
    expect(filter.rejected).toEqual([]);

    // 12 / qty fails for qty 0: those rows are rejected with the error, not dropped.
    const zeros = filter.rows.filter((row) => row[1] === 0).length;
    expect(zeros).toBeGreaterThan(0);
    expect(transform.onError).toBe('dead_letter');
    expect(transform.columns.map((c) => c.name)).toEqual(['id', 'qty', 'status', 'unit']);
    expect(transform.rejected).toHaveLength(zeros);
    expect(transform.rejected[0].row[1]).toBe(0);
    expect(transform.rejected[0].error).toMatch(/^fields\.unit: .*division by zero/);
    expect(transform.rowsOut).toBe(filter.rowsOut - zeros);
    expect(transform.dropped).toBe(0);

    // Flushed: the aggregate shows its group, folding rather than dropping rows.
    expect(aggregate.columns.map((c) => c.name)).toEqual(['status', 'orders', 'total_qty']);
    expect(aggregate.rowsIn).toBe(transform.rowsOut);
    const qtys = filter.rows.filter((row) => row[1] !== 0).reduce((sum, row) => sum + Number(row[1]), 0);
    expect(aggregate.rows).toEqual([['paid', transform.rowsOut, qtys]]);
    expect(aggregate.dropped).toBe(0);
    for (const step of preview.steps) {
      expect(step.error).toBeUndefined();
      expect(step.skipped).toBeUndefined();
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('stops at a step that cannot bind, naming its place, and marks the later steps not run', async () => {
    const yaml = chain(`
    - type: filter
      condition: qty > 0
    - type: mapping
      fields: { order_id: id, amount: qtty }
    - type: transform
      fields: { double: qty * 2 }
`);
    const preview = await previewSteps(await load(yaml), registry, { limit: 20 });
    const [filter, mapping, transform] = preview.steps;
    expect(filter.error).toBeUndefined();
    expect(filter.rows.length).toBe(filter.rowsOut);
    expect(filter.rowsOut).toBeGreaterThan(0);
    expect(mapping.error).toMatch(/^pipeline\.processors\[1\]\.fields\.amount: .*qtty/);
    expect(mapping.skipped).toBeUndefined();
    expect(mapping.rowsOut).toBe(0);
    expect(transform).toMatchObject({ path: 'pipeline.processors[2]', skipped: true, rowsIn: 0 });
    expect(transform.error).toBeUndefined();
  });

  it('keeps at most the limit of rows per step, counting every row a step passed on', async () => {
    const yaml = chain(`
    - type: transform
      fields: { tags: "'a,b,c'" }
    - type: split
      field: tags
      delimiter: ','
`);
    const preview = await previewSteps(await load(yaml), registry, { limit: 10 });
    const split = preview.steps[1];
    expect(split.error).toBeUndefined();
    expect(split.rowsIn).toBe(10);
    expect(split.rowsOut).toBe(30);
    expect(split.rows).toHaveLength(10);
  });

  it('under on_error: fail, stops the step at the first rejected row and names it', async () => {
    const yaml = chain(`
    - type: transform
      on_error: fail
      fields: { unit: 12 / qty }
    - type: filter
      condition: qty > 1
`);
    const preview = await previewSteps(await load(yaml), registry, { limit: 50 });
    const [transform, filter] = preview.steps;
    expect(transform.onError).toBe('fail');
    expect(transform.error).toMatch(
      /^pipeline\.processors\[0\]: fields\.unit: .*division by zero \(on_error: fail; row \d+ of its input: \{"id":"?\d+"?,"qty":0/,
    );
    expect(filter.skipped).toBe(true);
  });

  it('shows a conditional’s branches as steps, with the rows sent each way and their own processors', async () => {
    const yaml = `version: 1
${input(1000)}
pipeline:
  processors:
    - type: filter
      condition: qty > 0
    - type: conditional
      branches:
        - name: big
          when: qty >= 2
          processors:
            - type: transform
              fields: { double: qty * 2 }
          output: { type: file, path: out/big.csv }
      else:
        output: { type: file, path: out/small.csv }
`;
    const preview = await previewSteps(await load(yaml), registry, { limit: 100 });
    expect(preview.steps.map((s) => `${s.path}:${s.type}`)).toEqual([
      'pipeline.processors[0]:filter',
      'pipeline.processors[1]:conditional',
      'pipeline.processors[1].branches[0]:branch',
      'pipeline.processors[1].branches[0].processors[0]:transform',
      'pipeline.processors[1].else:branch',
    ]);
    const [filter, conditional, big, double, otherwise] = preview.steps;
    expect(conditional.rowsIn).toBe(filter.rowsOut);
    expect(conditional.rowsOut).toBe(filter.rowsOut);
    expect(big.note).toBe('big');
    expect(big.rows.every((row) => Number(row[1]) >= 2)).toBe(true);
    expect(otherwise.rows.every((row) => row[1] === 1)).toBe(true);
    expect(big.rowsOut + otherwise.rowsOut).toBe(filter.rowsOut);
    expect(double.rowsIn).toBe(big.rowsOut);
    expect(double.rows[0]).toEqual([...big.rows[0], Number(big.rows[0][1]) * 2]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('reads only the first rows of a million-row input', async () => {
    const yaml = `version: 1
${input(1_000_000)}
pipeline:
  processors:
    - type: filter
      condition: qty > 0
output: { type: file, path: out/all.csv }
`;
    const started = performance.now();
    const preview = await previewSteps(await load(yaml), registry, { limit: 100 });
    const took = performance.now() - started;
    expect(preview.input.rows).toHaveLength(100);
    expect(preview.input.more).toBe(true);
    expect(preview.steps[0].rowsIn).toBe(100);
    expect(took).toBeLessThan(1000);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('reports an input that cannot be read, with every step not run', async () => {
    const yaml = `version: 1
input: { type: file, path: missing.csv }
pipeline:
  processors:
    - type: filter
      condition: qty > 0
output: { type: file, path: out/all.csv }
`;
    const preview = await previewSteps(await load(yaml), registry, { limit: 10 });
    expect(preview.input.error).toMatch(/^input: .*missing\.csv/);
    expect(preview.input.rows).toEqual([]);
    expect(preview.steps).toEqual([expect.objectContaining({ skipped: true, rowsIn: 0 })]);
  });
});
