import { describe, expect, it } from 'vitest';
import type { Batch, Row } from '../../src-main/engine/batch';
import type { Input } from '../../src-main/engine/component';
import { testContext } from '../shared/test-support';
import { FieldError } from '../../src-main/engine/component';
import { generateInput, type GenerateConfig } from './spec';

const ctx = testContext();

const orders: GenerateConfig = {
  count: 2500,
  seed: 7,
  columns: [
    { name: 'id', generator: 'sequence', start: 100, step: 2 },
    { name: 'user', generator: 'string', pattern: 'user_{n}' },
    { name: 'qty', generator: 'random_int', min: 1, max: 5 },
    { name: 'price', generator: 'decimal', min: 0, max: 99, scale: 2 },
    { name: 'status', generator: 'choice', values: ['paid', 'void'], weights: [1, 0] },
    { name: 'token', generator: 'uuid' },
    { name: 'at', generator: 'timestamp', start: '2024-01-01T00:00:00Z', end: '2024-02-01T00:00:00Z' },
    { name: 'day', generator: 'date', start: '2024-03-01', end: '2024-03-03' },
    { name: 'note', generator: 'constant', value: 'x', null_rate: 0.5 },
  ],
};

async function readAll(input: Input, lanes: number): Promise<Batch[][]> {
  const out: Batch[][] = [];
  for (let lane = 0; lane < lanes; lane++) {
    const batches: Batch[] = [];
    for await (const batch of input.read(lane, lanes, ctx.signal)) batches.push(batch);
    out.push(batches);
  }
  return out;
}

const rowsOf = (lanes: Batch[][]): Row[] => lanes.flat().flatMap((b) => b.rows);

describe('generate input', () => {
  it('gives the same rows for the same seed, whatever the lane count', async () => {
    const one = rowsOf(await readAll(await generateInput.create(orders, ctx), 1));
    const three = rowsOf(await readAll(await generateInput.create(orders, ctx), 3));
    expect(one).toHaveLength(2500);
    expect(three).toEqual(one);
    const other = rowsOf(await readAll(await generateInput.create({ ...orders, seed: 8 }, ctx), 1));
    expect(other.map((r) => r[2])).not.toEqual(one.map((r) => r[2]));
  });

  it('splits rows into contiguous lanes with unique sequence values and per-lane checkpoints', async () => {
    const input = await generateInput.create(orders, ctx);
    expect(await input.plan(4)).toEqual({ lanes: 4 });
    expect(await input.estimateTotal?.()).toBe(2500);
    const lanes = await readAll(input, 2);
    const ids = rowsOf(lanes).map((r) => r[0]);
    expect(new Set(ids).size).toBe(2500);
    expect(lanes[0][0].rows[0][0]).toBe(100);
    expect(lanes[1][0].rows[0][0]).toBe(100 + 2 * 1250);
    expect(lanes[0].map((b) => b.checkpoint)).toEqual([
      { lane: 0, offset: 1000 },
      { lane: 0, offset: 1250 },
    ]);
    // One columns array per lane, reused by every batch.
    expect(lanes[0][1].columns).toBe(lanes[0][0].columns);
  });

  it('produces values of the declared shape', async () => {
    const rows = rowsOf(await readAll(await generateInput.create(orders, ctx), 1));
    const [first] = rows;
    expect(first[1]).toBe('user_1');
    for (const row of rows) {
      expect(row[2]).toBeGreaterThanOrEqual(1);
      expect(row[2]).toBeLessThanOrEqual(5);
      expect(row[3]).toMatch(/^\d{1,2}\.\d{2}$/);
      expect(row[4]).toBe('paid');
      expect(row[5]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect((row[6] as Date).getTime()).toBeGreaterThanOrEqual(Date.parse('2024-01-01T00:00:00Z'));
      expect(['2024-03-01', '2024-03-02', '2024-03-03']).toContain(row[7]);
    }
    const nulls = rows.filter((r) => r[8] === null).length;
    expect(nulls).toBeGreaterThan(1000);
    expect(nulls).toBeLessThan(1500);
  });

  it('declares its columns statically, with types from generators', () => {
    const columns = generateInput.staticColumns?.(orders);
    expect(columns?.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:bigint',
      'user:string',
      'qty:int',
      'price:decimal',
      'status:string',
      'token:uuid',
      'at:timestamp',
      'day:date',
      'note:string',
    ]);
  });

  it('points at the field of an impossible generator setting', () => {
    const bad: GenerateConfig = {
      count: 1,
      seed: 1,
      columns: [{ name: 'n', generator: 'random_int', min: 5, max: 1 }],
    };
    expect(() => generateInput.create(bad, ctx)).toThrow(FieldError);
    try {
      generateInput.create(bad, ctx);
    } catch (err) {
      expect((err as FieldError).path).toBe('columns[0].max');
    }
  });
});
