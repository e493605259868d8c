import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { StageTimes } from '../../src-shared/api/bottleneck-model';
import type { Batch, Column, Row } from './batch';
import { judgeBottleneck, MIN_JUDGED_LANE_MS, type RunShape } from './bottleneck';
import type { Input, Output, Processor } from './component';
import { runPipeline } from './runtime';

function stages(times: Partial<StageTimes>): StageTimes {
  return {
    lane_ms: 10_000,
    read_wait_ms: 0,
    read_blocked_ms: 0,
    process_busy_ms: 0,
    process_wait_ms: 0,
    process_blocked_ms: 0,
    write_busy_ms: 0,
    write_wait_ms: 0,
    write_batches: 100,
    write_p50_ms: 80,
    write_p95_ms: 120,
    ...times,
  };
}

const oneLane: RunShape = { lanes: 1, channels: 1, oneLane: false, records_written: 100_000 };

describe('judgeBottleneck', () => {
  it('calls a run whose writer was busy most of the time sink-bound, and suggests bigger batches or channels', () => {
    const b = judgeBottleneck(
      stages({ write_busy_ms: 8700, read_blocked_ms: 8000, read_wait_ms: 600, process_busy_ms: 500 }),
      oneLane,
    );
    expect(b).toMatchObject({
      verdict: 'sink-bound',
      suggestion: 'bigger_batches',
      shares: { source: 0.06, cpu: 0.05, sink: 0.87 },
      rows_per_write: 1000,
    });
    expect(b.summary).toBe(
      'sink-bound: the writer was busy 87% of the time on one lane (p95 120 ms per batch of about 1,000 rows); raise output.write.batch_size for fewer, larger transactions, or pipeline.channels (now 1) to write in parallel',
    );
  });

  it('calls a run whose processors were busy cpu-bound, and suggests pushdown and fewer processors', () => {
    const b = judgeBottleneck(
      stages({ process_busy_ms: 7000, read_blocked_ms: 6500, write_wait_ms: 6800, write_busy_ms: 900 }),
      { ...oneLane, lanes: 2, channels: 2 },
    );
    expect(b.verdict).toBe('cpu-bound');
    expect(b.suggestion).toBe('lighter_processing');
    expect(b.summary).toContain('cpu-bound: the processors were busy 70% of the time over 2 lanes');
    expect(b.summary).toContain('query.filter');
  });

  it('calls a run waiting on the source source-bound, with a suggestion that fits its lanes', () => {
    const waiting = stages({ read_wait_ms: 9000, write_wait_ms: 8800, process_wait_ms: 8900 });
    // One lane, one asked for: split the read.
    const single = judgeBottleneck(waiting, oneLane);
    expect(single.verdict).toBe('source-bound');
    expect(single.suggestion).toBe('split_reads');
    expect(single.summary).toBe(
      'source-bound: the reader waited on the source 90% of the time on one lane; set pipeline.channels (e.g. 4) with a query.split_key so lanes read ranges in parallel',
    );
    // Four asked for, the input could not split: a split key.
    const refused = judgeBottleneck(waiting, { ...oneLane, channels: 4 });
    expect(refused.suggestion).toBe('split_key');
    expect(refused.summary).toContain('the input ran 1 of the 4 lanes asked for; set query.split_key');
    // Four lanes all waiting: the source itself is the limit.
    const many = judgeBottleneck(waiting, { ...oneLane, lanes: 4, channels: 4 });
    expect(many.suggestion).toBe('source_capacity');
    expect(many.summary).toContain('or raise pipeline.channels if the source has capacity to spare');
    // An aggregate keeps the run on one lane: more channels would not help.
    const aggregate = judgeBottleneck(waiting, { ...oneLane, channels: 4, oneLane: true });
    expect(aggregate.suggestion).toBe('source_capacity');
    expect(aggregate.summary).toContain('(a processor keeps the run on one lane)');
    expect(aggregate.summary).not.toContain('pipeline.channels');
  });

  it('calls a run where no stage dominates balanced', () => {
    const b = judgeBottleneck(
      stages({ read_wait_ms: 3500, process_busy_ms: 2000, write_busy_ms: 3000 }),
      oneLane,
    );
    expect(b.verdict).toBe('balanced');
    expect(b.suggestion).toBe('none');
    expect(b.summary).toBe(
      'balanced: no stage held the run back alone (source 35%, processors 20%, target 30% of the time on one lane)',
    );
  });

  it('calls a run too short, or with too few batches, inconclusive', () => {
    expect(
      judgeBottleneck(stages({ lane_ms: MIN_JUDGED_LANE_MS - 1, write_busy_ms: 900 }), oneLane).verdict,
    ).toBe('inconclusive');
    expect(judgeBottleneck(stages({ write_batches: 1, write_busy_ms: 9000 }), oneLane).verdict).toBe(
      'inconclusive',
    );
  });
});

/*
 * The engine's measurements with stand-ins whose speed is known: a source that sleeps per batch,
 * a processor that spins, a target that sleeps per write. (The int test does the same with real
 * connectors.) Each run has two lanes of at least 0.6 s, enough lane time to be judged.
 */

const columns: Column[] = [{ name: 'n', type: 'int' }];

function input(batches: number, delayMs: number): Input {
  return {
    plan: async (requested) => ({ lanes: requested }),
    async *read(lane, _lanes, signal) {
      for (let index = 0; index < batches && !signal.aborted; index++) {
        if (delayMs > 0) await sleep(delayMs);
        const rows: Row[] = Array.from({ length: 100 }, (_, i) => [index * 100 + i]);
        yield { columns, rows, checkpoint: { lane, index } };
      }
    },
  };
}

function output(delayMs: number): Output {
  return {
    async write(_batch: Batch) {
      if (delayMs > 0) await sleep(delayMs);
    },
    async close() {},
  };
}

/** Holds the event loop for `ms` per batch, as a heavy transform does. */
function spinning(ms: number): Processor {
  return {
    bind: (bound) => ({
      columns: bound,
      process(rows) {
        const until = performance.now() + ms;
        while (performance.now() < until);
        return rows;
      },
    }),
  };
}

describe('runPipeline bottleneck attribution', () => {
  it('finds the slow target', async () => {
    const result = await runPipeline({
      input: input(60, 0),
      processors: [],
      output: output(20),
      channels: 2,
    });
    expect(result.status).toBe('completed');
    expect(result.bottleneck).toMatchObject({
      verdict: 'sink-bound',
      suggestion: 'bigger_batches',
      lanes: 2,
    });
    const s = result.stages as StageTimes;
    // The reader spent its time blocked on the full channel, not on the source.
    expect(s.read_blocked_ms).toBeGreaterThan(s.read_wait_ms * 5);
    expect(s.write_batches).toBe(120);
    expect(s.write_p50_ms).toBeGreaterThanOrEqual(19);
    expect(result.notes.at(-1)).toMatch(/^sink-bound: the writer was busy \d+% of the time over 2 lanes/);
  });

  it('finds the slow source', async () => {
    const result = await runPipeline({
      input: input(40, 20),
      processors: [],
      output: output(0),
      channels: 2,
    });
    expect(result.bottleneck).toMatchObject({ verdict: 'source-bound', suggestion: 'source_capacity' });
    const s = result.stages as StageTimes;
    expect(s.write_wait_ms).toBeGreaterThan(s.write_busy_ms * 5);
    expect(s.process_wait_ms).toBeGreaterThan(s.process_busy_ms * 5);
  });

  it('finds the busy processors', async () => {
    const result = await runPipeline({
      input: input(120, 0),
      processors: [{ path: 'pipeline.processors[0]', processor: spinning(10), type: 'transform' }],
      output: output(0),
      channels: 1,
    });
    expect(result.bottleneck).toMatchObject({ verdict: 'cpu-bound', suggestion: 'lighter_processing' });
    expect(result.stages?.process_busy_ms).toBeGreaterThan(1150);
  });

  it('reports stage times live, and judges only at the end', async () => {
    const seen: (StageTimes | undefined)[] = [];
    const judged: unknown[] = [];
    const result = await runPipeline(
      { input: input(20, 10), processors: [], output: output(0), channels: 1 },
      {
        progressIntervalMs: 50,
        onProgress: (stats) => {
          seen.push(stats.stages);
          judged.push(stats.bottleneck);
        },
      },
    );
    const live = seen.filter((s) => s !== undefined);
    expect(live.length).toBeGreaterThan(2);
    expect(live[live.length - 2].lane_ms).toBeGreaterThan(live[0].lane_ms);
    // Judged once the run ended: only the final report carries a verdict; too short to tell here.
    expect(judged.slice(0, -1).every((b) => b === undefined)).toBe(true);
    expect(result.bottleneck?.verdict).toBe('inconclusive');
    expect(result.notes.some((note) => note.startsWith('inconclusive'))).toBe(false);
  });
});
