import Ajv from 'ajv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Column, Row } from '../../src-main/engine/batch';
import { failOnReject, silentLogger, type ComponentContext } from '../../src-main/engine/component';
import { collectingContext, fieldErrorOf } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import { deduplicateProcessor } from './spec';

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'code', type: 'string' },
  { name: 'amount', type: 'decimal' },
  { name: 'at', type: 'timestamp' },
];

type Config = Parameters<typeof deduplicateProcessor.create>[0];

const bind = (config: Config, ctx: ComponentContext = testContext()) =>
  deduplicateProcessor.create(config, ctx).bind(columns);

const at = (time: string) => new Date(`2024-05-01T${time}Z`);
const ids = (rows: Row[]) => rows.map((r) => r[0]);

describe('deduplicate processor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes the first row of each key, across batches; NULL keys are equal, decimals by value', () => {
    const bound = bind({ key: ['code', 'amount'] });
    expect(bound.columns).toBe(columns);
    expect(
      ids(
        bound.process(
          [
            [1, 'a', '1.50', null],
            [2, 'a', '1.5', null],
            [3, 'b', '1.50', null],
            [4, null, null, null],
          ],
          failOnReject,
        ),
      ),
    ).toEqual([1, 3, 4]);
    expect(
      ids(
        bound.process(
          [
            [5, null, null, null],
            [6, 'a', '2', null],
            [7, 'b', '1.500', null],
          ],
          failOnReject,
        ),
      ),
    ).toEqual([6]);
    expect(bound.flush?.(failOnReject)).toEqual([]);
  });

  it('keep: last holds the latest row of each key and passes them at the end, in order of first appearance', () => {
    const bound = bind({ key: ['code'], keep: 'last' });
    expect(
      bound.process(
        [
          [1, 'a', '1', null],
          [2, 'b', '2', null],
          [3, 'a', '3', null],
        ],
        failOnReject,
      ),
    ).toEqual([]);
    expect(bound.process([[4, 'b', '4', null]], failOnReject)).toEqual([]);
    expect(bound.flush?.(failOnReject)).toEqual([
      [3, 'a', '3', null],
      [4, 'b', '4', null],
    ]);
  });

  it('with an event-time window, a key repeats only after its window', () => {
    const bound = bind({ key: ['code'], window: { size: '10m', field: 'at' } });
    expect(
      ids(
        bound.process(
          [
            [1, 'a', '1', at('12:00:00')],
            [2, 'a', '1', at('12:09:59')],
            [3, 'b', '1', at('12:05:00')],
            [4, 'a', '1', at('12:10:00')],
            [5, 'a', '1', at('12:15:00')],
            [6, 'b', '1', at('12:14:00')],
            [7, 'b', '1', at('12:16:00')],
          ],
          failOnReject,
        ),
      ),
    ).toEqual([1, 3, 4, 7]);
  });

  it('keep: last with a window passes the held row when the window ends', () => {
    const bound = bind({ key: ['code'], keep: 'last', window: { size: '10m', field: 'at' } });
    expect(
      bound.process(
        [
          [1, 'a', '1', at('12:00:00')],
          [2, 'a', '2', at('12:04:00')],
          [3, 'b', '1', at('12:05:00')],
        ],
        failOnReject,
      ),
    ).toEqual([]);
    // 12:10 ends a's window (opened at 12:00): its latest row goes out; b's is still open.
    expect(ids(bound.process([[4, 'c', '1', at('12:10:00')]], failOnReject))).toEqual([2]);
    expect(ids(bound.flush?.(failOnReject) ?? [])).toEqual([3, 4]);
  });

  it('measures a window without a field in arrival time', () => {
    vi.useFakeTimers();
    vi.setSystemTime(at('08:00:00'));
    const bound = bind({ key: ['code'], window: { size: '1m' } });
    expect(ids(bound.process([[1, 'a', '1', null]], failOnReject))).toEqual([1]);
    vi.setSystemTime(at('08:00:30'));
    expect(ids(bound.process([[2, 'a', '1', null]], failOnReject))).toEqual([]);
    vi.setSystemTime(at('08:01:01'));
    expect(ids(bound.process([[3, 'a', '1', null]], failOnReject))).toEqual([3]);
  });

  it('rejects a row without an event time', () => {
    const bound = bind({ key: ['code'], window: { size: '1m', field: 'at' } });
    const ctx = collectingContext();
    expect(bound.process([[1, 'a', '1', null]], ctx)).toEqual([]);
    expect(ctx.rejected.map((r) => r.error)).toEqual(['event time "at" is NULL']);
  });

  describe('max_keys', () => {
    it('forgets the oldest key past the bound and says so once', () => {
      const warnings: string[] = [];
      const ctx = {
        ...testContext(),
        logger: { ...silentLogger, warn: (msg: string) => void warnings.push(msg) },
      };
      const bound = bind({ key: ['code'], max_keys: 3 }, ctx);
      const rows: Row[] = ['a', 'b', 'c', 'd', 'b', 'a', 'e'].map((code, i) => [i + 1, code, '1', null]);
      // d evicts a; b is still remembered when it repeats (dropped); a was forgotten, so it passes again.
      expect(ids(bound.process(rows, failOnReject))).toEqual([1, 2, 3, 4, 6, 7]);
      expect(warnings).toEqual([
        'deduplicate: more than 3 keys (max_keys); the oldest are forgotten, so a later row with one of them passes again',
      ]);
    });

    it('keep: last passes the evicted key’s row', () => {
      const bound = bind({ key: ['code'], keep: 'last', max_keys: 2 });
      expect(
        bound.process(
          [
            [1, 'a', '1', null],
            [2, 'a', '2', null],
            [3, 'b', '1', null],
            [4, 'c', '1', null],
          ],
          failOnReject,
        ),
      ).toEqual([[2, 'a', '2', null]]);
      expect(ids(bound.flush?.(failOnReject) ?? [])).toEqual([3, 4]);
    });

    it('holds memory flat at the bound over a million distinct keys', () => {
      const bound = bind({ key: ['id'], max_keys: 10_000 });
      let passed = 0;
      for (let start = 0; start < 1_000_000; start += 10_000) {
        const rows: Row[] = [];
        for (let id = start; id < start + 10_000; id++) rows.push([id, 'x', '1', null]);
        passed += bound.process(rows, failOnReject).length;
      }
      expect(passed).toBe(1_000_000);
      // The last 10,000 keys are remembered: their repeats are dropped; an older one passes.
      expect(
        ids(
          bound.process(
            [
              [999_999, 'x', '1', null],
              [990_000, 'x', '1', null],
              [5, 'x', '1', null],
            ],
            failOnReject,
          ),
        ),
      ).toEqual([5]);
    });
  });

  it('names an unknown key field', () => {
    const error = fieldErrorOf(() => bind({ key: ['id', 'cdoe'] }));
    expect([error.path, error.message]).toEqual(['key[1]', 'unknown column "cdoe" (did you mean "code"?)']);
  });

  it('has examples that fit its schema and create', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(deduplicateProcessor.schema);
    for (const example of deduplicateProcessor.examples ?? []) {
      expect(validate(example.config), `${example.title}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(() => deduplicateProcessor.create(example.config as never, testContext())).not.toThrow();
    }
  });

  it('says the run needs one lane', () => {
    expect(deduplicateProcessor.create({ key: ['id'] }, testContext()).oneLaneReason).toBeDefined();
  });
});
