import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Batch, Checkpoint, Column, Row } from './batch';
import { FieldError, type Input, type Logger, type Output, type Processor } from './component';
import { runPipeline, type PipelinePlan } from './runtime';
import type { RunStats } from './stats';

const columns: Column[] = [
  { name: 'lane', type: 'int' },
  { name: 'n', type: 'int' },
];

interface FakeInputOptions {
  lanes?: number;
  batchesPerLane?: number;
  rowsPerBatch?: number;
  note?: string;
  total?: number;
  /** Waits between batches (ms); 0 yields nothing at all, like an in-memory source. */
  delayMs?: number;
  /** Counts batches handed out, to see how far the reader ran ahead. */
  onYield?(lane: number, index: number): void;
  shapes?: Column[][];
}

/** Yields `batchesPerLane` batches per lane (Infinity for an endless source), rows `[lane, n]`. */
function fakeInput(options: FakeInputOptions = {}) {
  const calls = { closed: 0, planned: [] as number[], finished: [] as number[] };
  const input: Input = {
    async plan(requested) {
      calls.planned.push(requested);
      return { lanes: Math.min(requested, options.lanes ?? requested), note: options.note };
    },
    async *read(lane, _lanes, signal) {
      const size = options.rowsPerBatch ?? 2;
      try {
        for (let index = 0; index < (options.batchesPerLane ?? 3); index++) {
          if (signal.aborted) return;
          if (options.delayMs) await sleep(options.delayMs, undefined, { signal }).catch(() => undefined);
          const shape = options.shapes ? options.shapes[index % options.shapes.length] : columns;
          const rows: Row[] = Array.from({ length: size }, (_, i) => [lane, index * size + i]);
          options.onYield?.(lane, index);
          yield { columns: shape, rows, checkpoint: { lane, index }, bytes: size * 10 };
        }
      } finally {
        calls.finished.push(lane);
      }
    },
    estimateTotal: options.total === undefined ? undefined : async () => options.total,
    async close() {
      calls.closed++;
    },
  };
  return { input, calls };
}

/** Records every batch per lane; `write` may wait or throw. */
function fakeOutput(write?: (batch: Batch, lane: number) => Promise<void>) {
  const calls = { rows: new Map<number, Row[]>(), closed: [] as (Error | undefined)[], writes: 0 };
  const output: Output = {
    async write(batch, lane) {
      await write?.(batch, lane);
      calls.writes++;
      calls.rows.set(lane, [...(calls.rows.get(lane) ?? []), ...batch.rows]);
    },
    async close(error) {
      calls.closed.push(error);
    },
  };
  return { output, calls };
}

function plan(input: Input, output: Output, extra: Partial<PipelinePlan> = {}): PipelinePlan {
  return { input, output, processors: [], channels: 1, ...extra };
}

function recordingLogger() {
  const lines: string[] = [];
  const log = (level: string) => (msg: string) => lines.push(`${level}: ${msg}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines };
}

describe('runPipeline', () => {
  it('moves every row, in order per lane, each lane under its own index', async () => {
    const { input, calls: inputCalls } = fakeInput({ batchesPerLane: 5, total: 30 });
    const { output, calls } = fakeOutput();
    const result = await runPipeline(plan(input, output, { channels: 3 }));

    expect(result).toMatchObject({
      status: 'completed',
      error: null,
      records_read: 30,
      records_written: 30,
      bytes_read: 300,
      lanes: 3,
      total: 30,
    });
    expect([...calls.rows.keys()].sort()).toEqual([0, 1, 2]);
    for (const [lane, rows] of calls.rows) {
      expect(rows).toEqual(Array.from({ length: 10 }, (_, n) => [lane, n]));
    }
    expect(inputCalls.planned).toEqual([3]);
    expect(inputCalls.closed).toBe(1);
    expect(calls.closed).toEqual([undefined]);
  });

  it('runs the lanes the input grants and says why', async () => {
    const { input } = fakeInput({ lanes: 1, note: 'files are read in one lane' });
    const { output, calls } = fakeOutput();
    const { logger, lines } = recordingLogger();
    const result = await runPipeline(plan(input, output, { channels: 4 }), { logger });
    expect(result.lanes).toBe(1);
    expect(result.notes).toEqual(['files are read in one lane']);
    expect(lines).toContain('info: files are read in one lane');
    expect([...calls.rows.keys()]).toEqual([0]);
  });

  it('a slow output holds the reader back to about the channel buffers', async () => {
    const buffer = 2;
    let yielded = 0;
    let written = 0;
    let maxAhead = 0;
    const { input } = fakeInput({
      batchesPerLane: 40,
      onYield: () => {
        yielded++;
        maxAhead = Math.max(maxAhead, yielded - written);
      },
    });
    const { output } = fakeOutput(async () => {
      await sleep(2);
      written++;
    });
    const result = await runPipeline(plan(input, output, { buffer }));
    expect(result.status).toBe('completed');
    // Two channels of `buffer` batches, plus one in the hands of each stage.
    expect(maxAhead).toBeLessThanOrEqual(2 * buffer + 3);
    expect(maxAhead).toBeGreaterThanOrEqual(buffer);
  });

  it('commits each checkpoint only after its batch is written, in order', async () => {
    const events: string[] = [];
    const { input } = fakeInput({ batchesPerLane: 4 });
    const { output } = fakeOutput(async (batch) => {
      const { index } = batch.checkpoint as { index: number };
      events.push(`write ${index} started`);
      await sleep(3 - index);
      events.push(`write ${index} done`);
    });
    const result = await runPipeline(plan(input, output), {
      onCheckpoint: async (lane: number, checkpoint: Checkpoint) => {
        await sleep(1);
        events.push(`checkpoint ${lane}/${String(checkpoint.index)}`);
      },
    });
    expect(result.status).toBe('completed');
    // Then the lane's last position once more, marked done: a resumed run skips the lane.
    expect(events).toEqual([
      ...[0, 1, 2, 3].flatMap((i) => [`write ${i} started`, `write ${i} done`, `checkpoint 0/${i}`]),
      'checkpoint 0/3',
    ]);
  });

  it('drops batches the processors empty, but still commits their checkpoints', async () => {
    const evenBatchesOnly: Processor = {
      bind: (cols) => ({
        columns: cols,
        process: (rows) => rows.filter((row) => (row[1] as number) % 4 < 2),
      }),
    };
    const checkpoints: unknown[] = [];
    const { input } = fakeInput({ batchesPerLane: 4 });
    const { output, calls } = fakeOutput();
    const result = await runPipeline(
      plan(input, output, { processors: [{ path: 'pipeline.processors[0]', processor: evenBatchesOnly }] }),
      {
        onCheckpoint: (_lane, checkpoint) =>
          void checkpoints.push(checkpoint.done ? 'done' : checkpoint.index),
      },
    );
    expect(result).toMatchObject({ status: 'completed', records_read: 8, records_written: 4 });
    expect(calls.writes).toBe(2);
    expect(checkpoints).toEqual([0, 1, 2, 3, 'done']);
  });

  it('binds each processor once per lane and input shape, chaining the columns', async () => {
    const wide: Column[] = [...columns, { name: 'extra', type: 'string' }];
    const renamed: Column[] = [{ name: 'renamed', type: 'int' }];
    const firstBinds: Column[][] = [];
    const secondBinds: Column[][] = [];
    const first: Processor = {
      bind: (cols) => {
        firstBinds.push(cols);
        return { columns: renamed, process: (rows) => rows.map((row) => [row[1]]) };
      },
    };
    const second: Processor = {
      bind: (cols) => {
        secondBinds.push(cols);
        return { columns: cols, process: (rows) => rows };
      },
    };
    const { input } = fakeInput({ batchesPerLane: 6, shapes: [columns, wide] });
    const seen: Column[][] = [];
    const { output, calls } = fakeOutput(async (batch) => void seen.push(batch.columns));
    const result = await runPipeline(
      plan(input, output, {
        channels: 2,
        processors: [
          { path: 'pipeline.processors[0]', processor: first },
          { path: 'pipeline.processors[1]', processor: second },
        ],
      }),
    );
    expect(result.status).toBe('completed');
    // Per lane: a processor that holds rows back keeps them per lane, flushed when its lane ends.
    expect(firstBinds).toHaveLength(4);
    expect(new Set(firstBinds)).toEqual(new Set([columns, wide]));
    expect(secondBinds).toEqual([renamed, renamed, renamed, renamed]);
    expect(new Set(seen)).toEqual(new Set([renamed]));
    expect(calls.rows.get(1)?.slice(0, 3)).toEqual([[0], [1], [2]]);
  });

  it('a throwing writer fails the run with its message and closes both ends', async () => {
    const { input, calls: inputCalls } = fakeInput({ batchesPerLane: Infinity, lanes: 2 });
    const { output, calls } = fakeOutput(async (_batch, lane) => {
      if (lane === 1 && calls.writes >= 3) throw new Error('disk full');
    });
    const checkpoints: number[] = [];
    const result = await runPipeline(plan(input, output, { channels: 2 }), {
      onCheckpoint: (lane) => void checkpoints.push(lane),
    });
    expect(result.status).toBe('failed');
    expect(result.error).toBe('output: disk full');
    expect(calls.closed).toHaveLength(1);
    expect(calls.closed[0]?.message).toBe('output: disk full');
    expect(inputCalls.closed).toBe(1);
    expect(inputCalls.finished.sort()).toEqual([0, 1]);
    expect(checkpoints.length).toBe(calls.writes);
  });

  it('names the processor that threw', async () => {
    const throwing: Processor = {
      bind: (cols) => ({
        columns: cols,
        process: () => {
          throw new Error('division by zero');
        },
      }),
    };
    const passThrough: Processor = { bind: (cols) => ({ columns: cols, process: (rows) => rows }) };
    const { input } = fakeInput();
    const { output, calls } = fakeOutput();
    const result = await runPipeline(
      plan(input, output, {
        processors: [
          { path: 'pipeline.processors[0]', processor: passThrough },
          { path: 'pipeline.processors[1]', processor: throwing },
        ],
      }),
    );
    expect(result).toMatchObject({ status: 'failed', error: 'pipeline.processors[1]: division by zero' });
    expect(calls.writes).toBe(0);
  });

  it('places a field error from bind at the field', async () => {
    const unknownColumn: Processor = {
      bind: () => {
        throw new FieldError('condition', 'unknown column "qtty" (did you mean "qty"?)');
      },
    };
    const { input } = fakeInput();
    const { output } = fakeOutput();
    const result = await runPipeline(
      plan(input, output, { processors: [{ path: 'pipeline.processors[0]', processor: unknownColumn }] }),
    );
    expect(result.error).toBe(
      'pipeline.processors[0].condition: unknown column "qtty" (did you mean "qty"?)',
    );
  });

  it('fails with the input named when reading fails, and still closes the output', async () => {
    const { output, calls } = fakeOutput();
    const input: Input = {
      plan: async () => ({ lanes: 1 }),
      // eslint-disable-next-line require-yield -- a source that fails before its first batch
      read: async function* () {
        throw new Error('connection refused');
      },
    };
    const result = await runPipeline(plan(input, output));
    expect(result).toMatchObject({ status: 'failed', error: 'input: connection refused' });
    expect(calls.closed[0]?.message).toBe('input: connection refused');
  });

  it('cancelling mid-run returns "cancelled" promptly and closes both ends', async () => {
    const { input, calls: inputCalls } = fakeInput({ batchesPerLane: Infinity, delayMs: 1, lanes: 2 });
    const { output, calls } = fakeOutput(() => sleep(1));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const result = await runPipeline(plan(input, output, { channels: 2 }), { signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.status).toBe('cancelled');
    expect(result.records_written).toBeGreaterThan(0);
    expect(calls.closed).toHaveLength(1);
    expect(calls.closed[0]).toBeInstanceOf(Error);
    expect(inputCalls.closed).toBe(1);
  });

  it('can cancel a pipeline that never waits for I/O', async () => {
    const { input } = fakeInput({ batchesPerLane: Infinity });
    const { output } = fakeOutput();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const result = await runPipeline(plan(input, output), { signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(result.records_read).toBeGreaterThan(0);
  });

  it('does not start reading when already cancelled', async () => {
    const { input, calls: inputCalls } = fakeInput();
    const { output, calls } = fakeOutput();
    const result = await runPipeline(plan(input, output), { signal: AbortSignal.abort() });
    expect(result.status).toBe('cancelled');
    expect(inputCalls.planned).toEqual([]);
    expect(calls.closed).toHaveLength(1);
    expect(inputCalls.closed).toBe(1);
  });

  it('reports progress while running and once at the end', async () => {
    const { input } = fakeInput({ batchesPerLane: 20, delayMs: 2, total: 40 });
    const { output } = fakeOutput();
    const updates: RunStats[] = [];
    const result = await runPipeline(plan(input, output), {
      progressIntervalMs: 5,
      onProgress: (stats) => updates.push(stats),
    });
    expect(updates.length).toBeGreaterThanOrEqual(3);
    expect(updates.some((u) => u.records_read > 0 && u.records_read < 40)).toBe(true);
    expect(updates.at(-1)).toMatchObject({ records_read: 40, records_written: 40, total: 40 });
    expect(result.rows_per_second).toBeGreaterThan(0);
  });

  it('fails the run when the output cannot close', async () => {
    const { input } = fakeInput();
    const output: Output = {
      write: async () => {},
      close: async () => {
        throw new Error('commit failed');
      },
    };
    const result = await runPipeline(plan(input, output));
    expect(result).toMatchObject({ status: 'failed', error: 'output: commit failed' });
  });
});
