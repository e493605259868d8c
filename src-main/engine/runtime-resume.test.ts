import { describe, expect, it } from 'vitest';
import { generateInput } from '../../connectors/generate/spec';
import { silentLogger, type Output } from './component';
import type { Batch, Checkpoint, ResumePoint, Row } from './batch';
import { runPipeline, type PipelinePlan } from './runtime';

/** 10 000 generated rows with a sequence id, in 4 lanes of batches of 100. */
async function generated() {
  return generateInput.create(
    { count: 10_000, seed: 1, batch_size: 100, columns: [{ name: 'id', generator: 'sequence' }] } as never,
    { baseDir: '.', jobName: 't', logger: silentLogger, signal: new AbortController().signal },
  );
}

/** Keeps every written id; `onWrite` may pause or kill the run after some batch. */
function collecting(onWrite?: (written: number) => void) {
  const ids: number[] = [];
  const output: Output = {
    async write(batch: Batch) {
      for (const row of batch.rows as Row[]) ids.push(Number(row[0]));
      onWrite?.(ids.length);
    },
    async close() {},
  };
  return { output, ids };
}

function positions() {
  const byLane: Checkpoint[] = [];
  return { byLane, record: (lane: number, checkpoint: Checkpoint) => void (byLane[lane] = checkpoint) };
}

async function runOnce(output: Output, extra: Partial<Parameters<typeof runPipeline>[1]> = {}) {
  const plan: PipelinePlan = { input: await generated(), output, processors: [], channels: 4 };
  return runPipeline(plan, { logger: silentLogger, ...extra });
}

describe('pausing and resuming a run', () => {
  it('a paused run resumes from its checkpoints: every row written exactly once', async () => {
    const pause = new AbortController();
    const first = collecting((written) => {
      if (written >= 3000) pause.abort();
    });
    const stored = positions();
    const paused = await runOnce(first.output, { pause: pause.signal, onCheckpoint: stored.record });
    expect(paused.status).toBe('paused');
    expect(first.ids.length).toBeGreaterThanOrEqual(3000);
    expect(first.ids.length).toBeLessThan(10_000);
    expect(stored.byLane.every((p) => p.done !== true)).toBe(true);

    const second = collecting();
    const point: ResumePoint = { lanes: 4, positions: stored.byLane };
    const resumed = await runOnce(second.output, { resume: point });
    expect(resumed.status).toBe('completed');
    expect(resumed.notes.join('\n')).toContain('resumed from checkpoints: 4 lane(s)');
    const all = [...first.ids, ...second.ids].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
  });

  it('a finished lane is marked done and read no more', async () => {
    const stored = positions();
    const result = await runOnce(collecting().output, { onCheckpoint: stored.record });
    expect(result.status).toBe('completed');
    expect(stored.byLane).toHaveLength(4);
    expect(stored.byLane.every((p) => p.done === true)).toBe(true);
    const again = collecting();
    await runOnce(again.output, { resume: { lanes: 4, positions: stored.byLane } });
    expect(again.ids).toEqual([]);
  });

  it('an input that cannot resume reads from the start and says so', async () => {
    const input = await generated();
    delete (input as { resume?: unknown }).resume;
    const { output, ids } = collecting();
    const result = await runPipeline(
      { input, output, processors: [], channels: 2 },
      { resume: { lanes: 2, positions: [{ offset: 10 }, { offset: 10 }] } },
    );
    expect(result.notes.join('\n')).toContain('read from the start, not from the checkpoints');
    expect(ids).toHaveLength(10_000);
  });
});
