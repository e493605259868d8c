import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Batch, Column, Row } from './batch';
import type { Input, Logger, Output, Processor } from './component';
import type { DeadLetterEntry } from './dead-letter';
import { runPipeline, type OnError, type PipelinePlan } from './runtime';

/*
 * Rows processors reject (`ctx.reject`) under each `on_error`, the error limit, the dead-letter
 * file, the counters that account for every row, and `flush` at the end of each lane.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fustgo-on-error-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const textColumns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'qty', type: 'string' },
];

/** Rows [id, qty] per lane, ids from 1 per lane; `qty(id)` gives the text (`'x'` for a bad one). */
function input(rows: number, qty: (id: number) => string, lanes = 1, batchSize = 4): Input {
  return {
    plan: async (requested) => ({ lanes: Math.min(requested, lanes) }),
    async *read(lane) {
      for (let start = 1; start <= rows; start += batchSize) {
        const batch: Row[] = [];
        for (let id = start; id < Math.min(start + batchSize, rows + 1); id++) batch.push([id, qty(id)]);
        yield { columns: textColumns, rows: batch, checkpoint: { lane, start } };
      }
    },
  };
}

/** Keeps every written row per lane. */
function output() {
  const written: Row[] = [];
  const byLane = new Map<number, Row[]>();
  const out: Output = {
    async write(batch: Batch, lane) {
      written.push(...batch.rows);
      byLane.set(lane, [...(byLane.get(lane) ?? []), ...batch.rows]);
    },
    async close() {},
  };
  return { output: out, written, byLane };
}

/** Parses `qty` into a number; text that is not a number is rejected (as a transform's bad cast). */
const parseQty: Processor = {
  bind: (columns) => ({
    columns: [columns[0], { name: 'qty', type: 'int' }],
    process(rows, ctx) {
      const out: Row[] = [];
      for (const row of rows) {
        const n = Number(row[1]);
        if (Number.isInteger(n)) out.push([row[0], n]);
        else ctx.reject(row, new Error(`cast.qty: '${String(row[1])}' is not a number`));
      }
      return out;
    },
  }),
};

/** Keeps the rows whose id is odd (a filter: what it drops is no error). */
const oddIds: Processor = {
  bind: (columns) => ({ columns, process: (rows) => rows.filter((row) => (row[0] as number) % 2 === 1) }),
};

/** Two rows per row (a split), the second with qty 0. */
const doubled: Processor = {
  bind: (columns) => ({ columns, process: (rows) => rows.flatMap((row) => [row, [row[0], 0]]) }),
};

function recordingLogger() {
  const lines: string[] = [];
  const log = (level: string) => (msg: string) => void lines.push(`${level}: ${msg}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines };
}

function plan(
  inputs: Input,
  out: Output,
  processors: { processor: Processor; type?: string; onError?: OnError }[],
  extra: Partial<PipelinePlan> = {},
): PipelinePlan {
  return {
    input: inputs,
    output: out,
    channels: 1,
    processors: processors.map((p, i) => ({ path: `pipeline.processors[${i}]`, ...p })),
    ...extra,
  };
}

const deadLetters = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as DeadLetterEntry);

describe('on_error', () => {
  it('dead_letter (the default) keeps each bad row as the processor received it, with its path, error and time', async () => {
    const file = path.join(dir, 'dead.jsonl');
    const { output: out, written } = output();
    const result = await runPipeline(
      plan(
        input(10, (id) => (id === 3 || id === 7 ? 'x' : String(id * 10))),
        out,
        [
          { processor: doubled, type: 'split' },
          { processor: parseQty, type: 'transform' },
        ],
        { errorLimit: { rows: 2 }, deadLetterPath: file },
      ),
    );
    expect(result).toMatchObject({
      status: 'completed',
      records_read: 10,
      records_written: 18,
      records_failed: 2,
    });
    expect(written).toHaveLength(18);
    const entries = deadLetters(file);
    expect(entries.map(({ place, lane, error, row }) => ({ place, lane, error, row }))).toEqual([
      {
        place: 'pipeline.processors[1]',
        lane: 0,
        error: "cast.qty: 'x' is not a number",
        row: { id: 3, qty: 'x' },
      },
      {
        place: 'pipeline.processors[1]',
        lane: 0,
        error: "cast.qty: 'x' is not a number",
        row: { id: 7, qty: 'x' },
      },
    ]);
    expect(Date.parse(entries[0].time)).toBeGreaterThan(Date.now() - 60_000);
    expect(result.processors).toEqual({
      'pipeline.processors[0]': {
        type: 'split',
        records_in: 10,
        records_out: 20,
        records_dropped: 0,
        records_skipped: 0,
        records_failed: 0,
      },
      'pipeline.processors[1]': {
        type: 'transform',
        records_in: 20,
        records_out: 18,
        records_dropped: 0,
        records_skipped: 0,
        records_failed: 2,
      },
    });
    expect(result.notes).toEqual([`2 rows rejected by pipeline.processors[1] were written to ${file}`]);
  });

  it('fails the run past error_limit (0 by default), naming the last row, after keeping it', async () => {
    const file = path.join(dir, 'strict.jsonl');
    const { output: out } = output();
    const result = await runPipeline(
      plan(
        input(10, (id) => (id === 6 ? 'six' : '1')),
        out,
        [{ processor: parseQty }],
        { deadLetterPath: file },
      ),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      `error_limit 0 exceeded: 1 row rejected (last: pipeline.processors[0]: cast.qty: 'six' is not a number — row {"id":6,"qty":"six"})`,
    );
    expect(deadLetters(file).map((e) => e.row)).toEqual([{ id: 6, qty: 'six' }]);
    expect(result.records_failed).toBe(1);
  });

  it('judges a percentage error_limit against the rows read', async () => {
    const run = (bad: (id: number) => boolean) => {
      const { output: out } = output();
      return runPipeline(
        plan(
          input(2000, (id) => (bad(id) ? 'x' : '1'), 1, 500),
          out,
          [{ processor: parseQty }],
          {
            errorLimit: { percent: 5 },
            deadLetterPath: path.join(dir, 'percent.jsonl'),
          },
        ),
      );
    };
    // 4 % bad: within the limit.
    expect(await run((id) => id % 25 === 0)).toMatchObject({ status: 'completed', records_failed: 80 });
    // 10 % bad: past it once 1,000 rows were read.
    const over = await run((id) => id % 10 === 0);
    expect(over.status).toBe('failed');
    expect(over.error).toMatch(
      /^error_limit 5% exceeded: 1\d\d rows of [\d,]+ read rejected \(last: pipeline\.processors\[0\]: /,
    );
  });

  it('skip drops the bad rows, counts them as skipped (not failed) and says so once in the log and in the notes', async () => {
    const file = path.join(dir, 'none.jsonl');
    const { output: out, written } = output();
    const { logger, lines } = recordingLogger();
    const result = await runPipeline(
      plan(
        input(9, (id) => (id % 4 === 0 ? `bad ${id}` : '1')),
        out,
        [{ processor: parseQty, onError: 'skip' }],
        {
          deadLetterPath: file,
        },
      ),
      { logger },
    );
    expect(result).toMatchObject({
      status: 'completed',
      records_read: 9,
      records_written: 7,
      records_failed: 0,
    });
    expect(written.map((r) => r[0])).toEqual([1, 2, 3, 5, 6, 7, 9]);
    expect(result.processors?.['pipeline.processors[0]']).toMatchObject({
      records_skipped: 2,
      records_failed: 0,
    });
    expect(result.notes).toEqual([
      "2 rows skipped by pipeline.processors[0] (on_error: skip), not written; last error: cast.qty: 'bad 8' is not a number",
    ]);
    expect(lines.filter((l) => l.includes('skipped'))).toEqual([
      "warn: pipeline.processors[0] skipped 1 row it could not process (last: cast.qty: 'bad 4' is not a number); on_error: skip drops such rows",
      "debug: pipeline.processors[0] skipped 1 row it could not process (last: cast.qty: 'bad 8' is not a number)",
    ]);
    expect(existsSync(file)).toBe(false);
  });

  it('fail stops the run at the first bad row, naming the processor, the error, the row number and values', async () => {
    const run = (lanes: number) =>
      runPipeline(
        plan(
          input(10, (id) => (id === 5 ? 'five' : '1'), lanes),
          output().output,
          [{ processor: oddIds }, { processor: parseQty, onError: 'fail' }],
          { channels: lanes },
        ),
      );
    // Id 5 is the third row the second processor is handed: odd ids pass the first.
    expect(await run(1)).toMatchObject({
      status: 'failed',
      error: `pipeline.processors[1]: cast.qty: 'five' is not a number (on_error: fail; row 3 of its input: {"id":5,"qty":"five"})`,
    });
    expect((await run(2)).error).toMatch(
      /^pipeline\.processors\[1\]: cast\.qty: 'five' is not a number \(on_error: fail; row 3 of its input in lane [01]: \{"id":5,"qty":"five"\}\)$/,
    );
  });
});

/** Holds every row back and, at the end of its lane, gives one row: [lane's row count, sum of qty]; rejects qty 13. */
function totals(): { processor: Processor; flushes: number[] } {
  const flushes: number[] = [];
  const processor: Processor = {
    bind: () => {
      let count = 0;
      let sum = 0;
      const held: Row[] = [];
      return {
        columns: [
          { name: 'rows', type: 'int' },
          { name: 'sum', type: 'int' },
        ],
        process(rows) {
          held.push(...rows);
          return [];
        },
        flush(ctx) {
          for (const row of held) {
            if (row[1] === 13) ctx.reject(row, new Error('unlucky'));
            else {
              count++;
              sum += row[1] as number;
            }
          }
          flushes.push(count);
          return [[count, sum]];
        },
      };
    },
  };
  return { processor, flushes };
}

describe('flush', () => {
  it("flushes each lane's processors once at the end, their rows going through the rest of the chain", async () => {
    const file = path.join(dir, 'flush.jsonl');
    const { processor, flushes } = totals();
    const { output: out, byLane } = output();
    const addOne: Processor = {
      bind: (columns) => ({ columns, process: (rows) => rows.map(([n, sum]) => [n, (sum as number) + 1]) }),
    };
    const result = await runPipeline(
      plan(
        input(10, (id) => String(id), 2),
        out,
        [{ processor: parseQty }, { processor, type: 'aggregate' }, { processor: addOne }],
        { channels: 2, errorLimit: { rows: 5 }, deadLetterPath: file },
      ),
    );
    expect(result.status).toBe('completed');
    expect(flushes).toEqual([10, 10]);
    // Each lane: ids 1..10, sum 55, plus one.
    expect([...byLane.values()]).toEqual([[[10, 56]], [[10, 56]]]);
    expect(result.processors?.['pipeline.processors[1]']).toMatchObject({ records_in: 20, records_out: 2 });
  });

  it('applies on_error to rows a processor rejects while flushing', async () => {
    const file = path.join(dir, 'flush-bad.jsonl');
    const { processor } = totals();
    const { output: out, written } = output();
    const result = await runPipeline(
      plan(
        input(15, (id) => String(id)),
        out,
        [{ processor: parseQty }, { processor }],
        {
          errorLimit: { rows: 1 },
          deadLetterPath: file,
        },
      ),
    );
    expect(result.status).toBe('completed');
    expect(written).toEqual([[14, 120 - 13]]);
    expect(deadLetters(file).map(({ place, error, row }) => ({ place, error, row }))).toEqual([
      { place: 'pipeline.processors[1]', error: 'unlucky', row: { id: 13, qty: 13 } },
    ]);
  });
});

describe('where every row went', () => {
  it('accounts for every row read: written, dropped, skipped or failed, per processor', async () => {
    const { output: out } = output();
    const result = await runPipeline(
      plan(
        input(100, (id) => (id % 10 === 3 ? 'x' : id % 10 === 7 ? '?' : '1'), 1, 7),
        out,
        [
          { processor: oddIds, type: 'filter' },
          { processor: parseQty, type: 'transform', onError: 'skip' },
          { processor: doubled, type: 'split' },
          { processor: parseQty, type: 'transform' },
        ],
        { errorLimit: { rows: 1000 }, deadLetterPath: path.join(dir, 'account.jsonl') },
      ),
    );
    expect(result.status).toBe('completed');
    const p = result.processors ?? {};
    expect(
      Object.values(p).map((c) => [
        c.records_in,
        c.records_out,
        c.records_dropped,
        c.records_skipped,
        c.records_failed,
      ]),
    ).toEqual([
      [100, 50, 50, 0, 0],
      [50, 30, 0, 20, 0],
      [30, 60, 0, 0, 0],
      [60, 60, 0, 0, 0],
    ]);
    const added = 30;
    const dropped = 50;
    const skipped = 20;
    expect(result.records_read + added).toBe(
      result.records_written + dropped + skipped + result.records_failed,
    );
  });
});

describe('processors that connect to something or need one lane', () => {
  it('opens them before rows move, awaits prepare before each batch, closes them at the end', async () => {
    const events: string[] = [];
    const lookup: Processor = {
      open: async () => void events.push('open'),
      close: async () => void events.push('close'),
      bind: (columns) => ({
        columns,
        prepare: async (rows) => void events.push(`prepare ${rows.length}`),
        process: (rows) => {
          events.push(`process ${rows.length}`);
          return rows;
        },
      }),
    };
    const result = await runPipeline(
      plan(
        input(6, () => '1'),
        output().output,
        [{ processor: lookup }],
      ),
    );
    expect(result.status).toBe('completed');
    expect(events).toEqual(['open', 'prepare 4', 'process 4', 'prepare 2', 'process 2', 'close']);
  });

  it('closes them when opening fails, and names the processor', async () => {
    const events: string[] = [];
    const broken: Processor = {
      open: async () => {
        throw new Error('connection refused');
      },
      close: async () => void events.push('close'),
      bind: (columns) => ({ columns, process: (rows) => rows }),
    };
    const result = await runPipeline(
      plan(
        input(6, () => '1'),
        output().output,
        [{ processor: broken }],
      ),
    );
    expect(result).toMatchObject({ status: 'failed', error: 'pipeline.processors[0]: connection refused' });
    expect(events).toEqual(['close']);
  });

  it('runs one lane when a processor needs every row in one place, and says why', async () => {
    const { processor } = totals();
    const needsOne = { ...processor, oneLaneReason: 'aggregate needs every row of the input in one place' };
    const { output: out, byLane } = output();
    const result = await runPipeline(
      plan(
        input(10, (id) => String(id), 4),
        out,
        [{ processor: parseQty }, { processor: needsOne }],
        { channels: 4 },
      ),
    );
    expect(result.lanes).toBe(1);
    expect(result.notes).toContain(
      'pipeline.processors[1]: aggregate needs every row of the input in one place, so the run uses one lane, not 4',
    );
    expect([...byLane.values()]).toEqual([[[10, 55]]]);
  });
});
