import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { PlannedBranch } from '../../src-main/engine/branches';
import type { Input, Output, Processor } from '../../src-main/engine/component';
import { runPipeline, type PipelinePlan } from '../../src-main/engine/runtime';
import { conditionalProcessor, type ConditionalConfig } from './spec';

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'region', type: 'string' },
  { name: 'amount', type: 'int' },
];

/** One batch per lane of the given rows (lane `l` gets rows whose index % lanes === l), each with a checkpoint. */
function rowsInput(rows: Row[], batchSize = 3): Input {
  return {
    plan: async (requested) => ({ lanes: requested }),
    async *read(lane, lanes) {
      const mine = rows.filter((_, i) => i % lanes === lane);
      for (let start = 0; start < mine.length; start += batchSize)
        yield { columns, rows: mine.slice(start, start + batchSize), checkpoint: { lane, start } };
    },
  };
}

/** Records what it was handed; `write` may wait or throw. */
function recordingOutput(write?: (batch: Batch) => Promise<void>) {
  const seen = { rows: [] as Row[], columns: [] as string[], closed: [] as (Error | undefined)[] };
  const output: Output = {
    async write(batch) {
      await write?.(batch);
      seen.rows.push(...batch.rows);
      seen.columns = batch.columns.map((c) => c.name);
    },
    async close(error) {
      seen.closed.push(error);
    },
  };
  return { output, seen };
}

/** A processor that keeps `id` and `region` and rejects rows whose amount is negative. */
const checkAmount: Processor = {
  bind(input) {
    const amount = input.findIndex((c) => c.name === 'amount');
    return {
      columns: input.slice(0, 2),
      process(rows, ctx) {
        const out: Row[] = [];
        for (const row of rows) {
          if ((row[amount] as number) < 0)
            ctx.reject(row, new Error(`negative amount ${String(row[amount])}`));
          else out.push(row.slice(0, 2));
        }
        return out;
      },
    };
  },
};

const base = 'pipeline.processors[0]';

function branchingPlan(
  input: Input,
  config: ConditionalConfig,
  outputs: Output[],
  extra: { processors?: PlannedBranch['processors'][]; channels?: number; onError?: 'skip' | 'fail' } = {},
): PipelinePlan {
  const ways = [
    ...config.branches.map((b, i) => ({ path: `${base}.branches[${i}]`, label: b.name ?? b.when })),
    ...(config.else ? [{ path: `${base}.else`, label: 'else' }] : []),
  ];
  return {
    input,
    processors: [],
    channels: extra.channels ?? 1,
    branching: {
      router: {
        path: base,
        type: 'conditional',
        processor: conditionalProcessor.create(config, undefined as never),
        ...(extra.onError ? { onError: extra.onError } : {}),
      },
      branches: ways.map((way, i) => ({
        ...way,
        processors: extra.processors?.[i] ?? [],
        output: outputs[i],
        outputType: 'memory',
      })),
    },
  };
}

const out = { type: 'memory' };
const rows: Row[] = [
  [1, 'EU', 10],
  [2, 'US', 2000],
  [3, null, 5],
  [4, 'EU', 5000],
  [5, 'APAC', 1],
  [6, 'US', 3],
];

describe('conditional: routing', () => {
  it('sends each row to the first branch whose when is TRUE; NULL goes on to the next; the rest to else', async () => {
    const [big, eu, us, rest] = [recordingOutput(), recordingOutput(), recordingOutput(), recordingOutput()];
    const result = await runPipeline(
      branchingPlan(
        rowsInput(rows),
        {
          branches: [
            { name: 'big', when: 'amount >= 1000', output: out },
            { name: 'eu', when: "region = 'EU'", output: out },
            { when: "region = 'US'", output: out },
          ],
          else: { output: out },
        },
        [big.output, eu.output, us.output, rest.output],
      ),
    );
    expect(result.status).toBe('completed');
    expect(big.seen.rows.map((r) => r[0])).toEqual([2, 4]);
    expect(eu.seen.rows.map((r) => r[0])).toEqual([1]);
    expect(us.seen.rows.map((r) => r[0])).toEqual([6]);
    // Row 3's region is NULL: no condition on it is TRUE.
    expect(rest.seen.rows.map((r) => r[0])).toEqual([3, 5]);
    expect(result.records_written).toBe(6);
    expect(result.branches).toEqual({
      [`${base}.branches[0]`]: {
        name: 'big',
        output: 'memory',
        records_in: 2,
        records_written: 2,
        records_failed: 0,
      },
      [`${base}.branches[1]`]: {
        name: 'eu',
        output: 'memory',
        records_in: 1,
        records_written: 1,
        records_failed: 0,
      },
      [`${base}.branches[2]`]: {
        name: "region = 'US'",
        output: 'memory',
        records_in: 1,
        records_written: 1,
        records_failed: 0,
      },
      [`${base}.else`]: {
        name: 'else',
        output: 'memory',
        records_in: 2,
        records_written: 2,
        records_failed: 0,
      },
    });
    for (const o of [big, eu, us, rest]) expect(o.seen.closed).toEqual([undefined]);
  });

  it('counts rows no branch takes, without an else, as dropped by the conditional', async () => {
    const eu = recordingOutput();
    const result = await runPipeline(
      branchingPlan(rowsInput(rows), { branches: [{ when: "region = 'EU'", output: out }] }, [eu.output]),
    );
    expect(result.status).toBe('completed');
    expect(eu.seen.rows.map((r) => r[0])).toEqual([1, 4]);
    expect(result.processors?.[base]).toEqual({
      type: 'conditional',
      records_in: 6,
      records_out: 2,
      records_dropped: 4,
      records_skipped: 0,
      records_failed: 0,
    });
    expect(result.records_read).toBe(result.records_written + 4);
  });

  it('runs each branch’s own processors, with their on_error, in every lane', async () => {
    const [eu, rest] = [recordingOutput(), recordingOutput()];
    const input = rowsInput([...rows, [7, 'EU', -1], [8, 'EU', 7], [9, 'US', -5]], 2);
    const result = await runPipeline(
      branchingPlan(
        input,
        { branches: [{ when: "region = 'EU'", output: out }], else: { output: out } },
        [eu.output, rest.output],
        {
          channels: 2,
          processors: [
            [
              {
                path: `${base}.branches[0].processors[0]`,
                type: 'check',
                processor: checkAmount,
                onError: 'skip',
              },
            ],
          ],
        },
      ),
    );
    expect(result.status).toBe('completed');
    expect(result.lanes).toBe(2);
    expect(eu.seen.columns).toEqual(['id', 'region']);
    expect(eu.seen.rows.map((r) => r[0]).sort()).toEqual([1, 4, 8]);
    expect(rest.seen.columns).toEqual(['id', 'region', 'amount']);
    expect(rest.seen.rows.map((r) => r[0]).sort()).toEqual([2, 3, 5, 6, 9]);
    expect(result.processors?.[`${base}.branches[0].processors[0]`]).toMatchObject({
      records_in: 4,
      records_out: 3,
      records_skipped: 1,
    });
    expect(result.notes.join('\n')).toContain(`${base}.branches[0].processors[0]`);
  });

  it('applies the conditional’s on_error to a row whose when cannot be evaluated', async () => {
    const [all, rest] = [recordingOutput(), recordingOutput()];
    const result = await runPipeline(
      branchingPlan(
        rowsInput([
          [1, 'EU', 10],
          [2, 'EU', 0],
        ]),
        { branches: [{ when: '100 / amount > 1', output: out }], else: { output: out } },
        [all.output, rest.output],
        { onError: 'skip' },
      ),
    );
    expect(result.status).toBe('completed');
    expect(all.seen.rows).toEqual([[1, 'EU', 10]]);
    expect(rest.seen.rows).toEqual([]);
    expect(result.processors?.[base]).toMatchObject({ records_in: 2, records_out: 1, records_skipped: 1 });

    const failing = await runPipeline(
      branchingPlan(
        rowsInput([[2, 'EU', 0]]),
        { branches: [{ when: '100 / amount > 1', output: out }] },
        [recordingOutput().output],
        { onError: 'fail' },
      ),
    );
    expect(failing.status).toBe('failed');
    expect(failing.error).toMatch(/^pipeline\.processors\[0\]: .*division by zero.*on_error: fail/i);
  });

  it('fails the run when one branch’s output fails, naming the branch, and closes every output with the error', async () => {
    const eu = recordingOutput();
    const broken = recordingOutput(async () => {
      throw new Error('disk full');
    });
    const result = await runPipeline(
      branchingPlan(
        rowsInput(rows),
        { branches: [{ when: "region = 'EU'", output: out }], else: { output: out } },
        [eu.output, broken.output],
      ),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toBe(`${base}.else.output: disk full`);
    expect(eu.seen.closed).toHaveLength(1);
    expect(eu.seen.closed[0]?.message).toBe(`${base}.else.output: disk full`);
    expect(broken.seen.closed).toHaveLength(1);
  });

  it('acknowledges a batch only once every branch wrote its part', async () => {
    const events: string[] = [];
    const slow = recordingOutput(async (batch) => {
      await sleep(20);
      events.push(`slow wrote ${batch.rows.map((r) => r[0]).join(',')}`);
    });
    const fast = recordingOutput(async (batch) => {
      events.push(`fast wrote ${batch.rows.map((r) => r[0]).join(',')}`);
    });
    const result = await runPipeline(
      branchingPlan(
        rowsInput(rows, 3),
        { branches: [{ when: "region = 'EU'", output: out }], else: { output: out } },
        [slow.output, fast.output],
      ),
      { onCheckpoint: (_lane, checkpoint) => void events.push(`checkpoint ${JSON.stringify(checkpoint)}`) },
    );
    expect(result.status).toBe('completed');
    expect(events).toEqual([
      'fast wrote 2,3',
      'slow wrote 1',
      'checkpoint {"lane":0,"start":0}',
      'fast wrote 5,6',
      'slow wrote 4',
      'checkpoint {"lane":0,"start":3}',
      // The lane's last position again, marked done once every row is written.
      'checkpoint {"lane":0,"start":3,"done":true}',
    ]);
  });
});
