import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Batch, Checkpoint, Column, Row } from './batch';
import { silentLogger, type Input, type Output, type WriteResult } from './component';
import type { DeadLetterEntry, DeadLetterSink } from './dead-letter';
import { formatErrorLimit, parseErrorLimit, RejectTracker, type ErrorLimit } from './rejects';
import { runPipeline, type PipelinePlan } from './runtime';
import { StatsAccumulator } from './stats';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fustgo-rejects-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'name', type: 'string' },
];

/** `batches` batches of `size` rows [id, name] per lane, ids from 1 in read order, each with a checkpoint. */
function input(batches: number, size: number, lanes = 1): Input {
  return {
    plan: async (requested) => ({ lanes: Math.min(requested, lanes) }),
    async *read(lane, _lanes, signal) {
      for (let b = 0; b < batches && !signal.aborted; b++) {
        const rows: Row[] = Array.from({ length: size }, (_, i) => {
          const id = (lane * batches + b) * size + i + 1;
          return [id, `name ${id}`];
        });
        yield { columns, rows, checkpoint: { lane, b } };
      }
    },
  };
}

/** Refuses the rows whose id `bad` picks, with "bad id N"; records what it wrote and how it was closed. */
function rejectingOutput(bad: (id: number) => boolean) {
  const written: number[] = [];
  const closed: (string | undefined)[] = [];
  const output: Output = {
    async write(batch: Batch): Promise<WriteResult | undefined> {
      const rejected: WriteResult['rejected'] = [];
      batch.rows.forEach((row, index) => {
        const id = row[0] as number;
        if (bad(id)) rejected.push({ index, error: `bad id ${id}` });
        else written.push(id);
      });
      return rejected.length > 0 ? { rejected } : undefined;
    },
    async close(error) {
      closed.push(error?.message);
      return error ? `${written.length} rows were committed before the run stopped` : undefined;
    },
  };
  return { output, written, closed };
}

function plan(extra: Partial<PipelinePlan> & Pick<PipelinePlan, 'input' | 'output'>): PipelinePlan {
  return { processors: [], channels: 1, ...extra };
}

const entries = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as DeadLetterEntry);

describe('error_limit', () => {
  it('reads a count or a percentage', () => {
    expect([100, 0, '1%', '0.5%', ' 2 %', '100%'].map(parseErrorLimit)).toEqual([
      { rows: 100 },
      { rows: 0 },
      { percent: 1 },
      { percent: 0.5 },
      { percent: 2 },
      { percent: 100 },
    ]);
    expect([-1, 1.5, '1', '101%', 'x%', null, undefined].map(parseErrorLimit)).toEqual(
      Array(7).fill(undefined),
    );
    expect([{ rows: 3 }, { percent: 1.5 }].map((l: ErrorLimit) => formatErrorLimit(l))).toEqual([
      '3',
      '1.5%',
    ]);
  });

  /** A tracker over a sink that keeps nothing, with `read` rows read. */
  function tracker(limit: ErrorLimit, read: number) {
    const stats = new StatsAccumulator();
    stats.addRead(read);
    const sink: DeadLetterSink = { add: async () => undefined, close: async () => [] };
    const rejects = new RejectTracker(sink, limit, stats, silentLogger, 'nowhere');
    const reject = (n: number) =>
      rejects.reject(
        'output',
        0,
        columns,
        Array.from({ length: n }, (_, i) => ({ row: [i, 'x'], error: 'no' })),
      );
    return { stats, rejects, reject };
  }

  it('a count fails the run at the first row past it', async () => {
    const { reject, stats } = tracker({ rows: 2 }, 10);
    await reject(2);
    await expect(reject(1)).rejects.toThrow(
      'error_limit 2 exceeded: 3 rows rejected (last: output: no — row {"id":0,"name":"x"})',
    );
    // Kept and counted before the run fails.
    expect(stats.recordsFailed).toBe(3);
  });

  it('a percentage is judged from 1000 rows read on, and at the end whatever was read', async () => {
    const early = tracker({ percent: 1 }, 500);
    await early.reject(50);
    expect(() => early.rejects.checkAtEnd()).toThrow(
      'error_limit 1% exceeded: 50 rows of 500 read rejected (last: output: no — row {"id":49,"name":"x"})',
    );
    const late = tracker({ percent: 1 }, 1000);
    await late.reject(10);
    await expect(late.reject(1)).rejects.toThrow('error_limit 1% exceeded: 11 rows of 1,000 read rejected');
    const within = tracker({ percent: 1 }, 100_000);
    await within.reject(1000);
    expect(() => within.rejects.checkAtEnd()).not.toThrow();
  });

  it('shortens a long row in the message', async () => {
    const { rejects } = tracker({ rows: 0 }, 1);
    await expect(
      rejects.reject('output', 0, columns, [{ row: [1, 'y'.repeat(500)], error: 'too long' }]),
    ).rejects.toThrow(/— row \{"id":1,"name":"y{100,}…\)$/);
  });
});

describe('runPipeline with rejected rows', () => {
  it('writes rejected rows to the dead-letter file, counts them failed and says where they went', async () => {
    const file = path.join(dir, 'dl', 'run.jsonl');
    const { output, written } = rejectingOutput((id) => id % 100 === 7);
    const checkpoints: Checkpoint[] = [];
    const result = await runPipeline(
      plan({ input: input(5, 200, 2), output, channels: 2, errorLimit: { rows: 100 } }),
      { deadLetterPath: file, onCheckpoint: (_lane, checkpoint) => void checkpoints.push(checkpoint) },
    );
    expect(result.error).toBeNull();
    expect(result.status).toBe('completed');
    expect([result.records_read, result.records_written, result.records_failed]).toEqual([2000, 1980, 20]);
    expect(written).toHaveLength(1980);
    // A checkpoint per batch, and each lane's last once more, marked done.
    expect(checkpoints.filter((c) => c.done !== true)).toHaveLength(10);
    expect(checkpoints.filter((c) => c.done === true)).toHaveLength(2);
    expect(result.notes).toEqual([`20 rows rejected by the output were written to ${file}`]);
    const rows = entries(file);
    expect(rows.map((e) => e.row.id).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 20 }, (_, i) => i * 100 + 7),
    );
    expect(rows[0]).toMatchObject({ place: 'output', error: `bad id ${String(rows[0].row.id)}` });
    expect(new Set(rows.map((e) => e.lane))).toEqual(new Set([0, 1]));
  });

  it('leaves no file when no row is rejected, and the config’s file wins over the host’s', async () => {
    const hostFile = path.join(dir, 'host.jsonl');
    const configFile = path.join(dir, 'config.jsonl');
    const clean = await runPipeline(
      plan({ input: input(2, 10), output: rejectingOutput(() => false).output }),
      {
        deadLetterPath: hostFile,
      },
    );
    expect([clean.status, clean.notes, existsSync(hostFile)]).toEqual(['completed', [], false]);
    const { output } = rejectingOutput((id) => id === 3);
    const result = await runPipeline(
      plan({ input: input(2, 10), output, deadLetterPath: configFile, errorLimit: { rows: 1 } }),
      { deadLetterPath: hostFile },
    );
    expect(result.status).toBe('completed');
    expect(existsSync(hostFile)).toBe(false);
    expect(entries(configFile).map((e) => e.row)).toEqual([{ id: 3, name: 'name 3' }]);
  });

  it('fails by default at the first rejected row, keeping it and saying what was written', async () => {
    const file = path.join(dir, 'run.jsonl');
    const { output, closed } = rejectingOutput((id) => id === 15);
    const result = await runPipeline(plan({ input: input(10, 10), output }), { deadLetterPath: file });
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      'error_limit 0 exceeded: 1 row rejected (last: output: bad id 15 — row {"id":15,"name":"name 15"})',
    );
    expect(closed).toEqual([result.error]);
    expect(result.records_failed).toBe(1);
    expect(result.notes).toEqual([
      `${result.records_written} rows were committed before the run stopped`,
      `1 row rejected by the output was written to ${file}`,
    ]);
    expect(entries(file)).toHaveLength(1);
  });

  it('fails past a percentage at the end of a short run', async () => {
    const { output } = rejectingOutput((id) => id <= 2);
    const result = await runPipeline(plan({ input: input(1, 100), output, errorLimit: { percent: 1 } }), {
      deadLetterPath: path.join(dir, 'run.jsonl'),
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(
      /^error_limit 1% exceeded: 2 rows of 100 read rejected \(last: output: bad id 2/,
    );
  });

  it('logs rejected rows as errors when there is no file', async () => {
    const errors: string[] = [];
    const { output } = rejectingOutput((id) => id === 1);
    const result = await runPipeline(plan({ input: input(1, 3), output, errorLimit: { rows: 5 } }), {
      logger: { ...silentLogger, error: (msg) => void errors.push(msg) },
    });
    expect(result.status).toBe('completed');
    expect(errors).toEqual(['row rejected by output: bad id 1']);
    expect(result.notes).toEqual(['1 row rejected by the output was logged (no dead-letter file)']);
  });

  it('fails the run when the dead-letter file cannot be written', async () => {
    const blocked = path.join(dir, 'file');
    writeFileSync(blocked, '');
    const { output } = rejectingOutput((id) => id === 1);
    const result = await runPipeline(plan({ input: input(1, 3), output, errorLimit: { rows: 5 } }), {
      deadLetterPath: path.join(blocked, 'run.jsonl'),
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^cannot write rejected rows to .*run\.jsonl: /);
  });
});
