import { describe, expect, it } from 'vitest';
import { FirstCommit, LaneConnections, Once } from './lanes';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('lane connections', () => {
  it('opens one connection per lane, reopens a discarded one, and ends them all', async () => {
    let opened = 0;
    const ended: number[] = [];
    const discarded: number[] = [];
    const lanes = new LaneConnections<number>({
      open: async () => ++opened,
      end: async (c) => void ended.push(c),
      discard: (c) => void discarded.push(c),
    });
    expect(lanes.anyLane()).toBe(0);
    expect([await lanes.get(2), await lanes.get(1), await lanes.get(2)]).toEqual([1, 2, 1]);
    expect(lanes.anyLane()).toBe(1);
    await lanes.discard(2);
    expect(discarded).toEqual([1]);
    expect(await lanes.get(2)).toBe(3);
    await lanes.close();
    expect(ended.sort()).toEqual([2, 3]);
  });

  it('runs a lane’s tasks one at a time and different lanes at once', async () => {
    const lanes = new LaneConnections<number>({
      open: async () => 0,
      end: async () => undefined,
      discard: () => undefined,
    });
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
    };
    await Promise.all([lanes.run(0, task('a1')), lanes.run(0, task('a2')), lanes.run(1, task('b1'))]);
    expect(log.slice(0, 2)).toEqual(['a1 start', 'b1 start']);
    expect(log.indexOf('a2 start')).toBeGreaterThan(log.indexOf('a1 end'));
  });

  it('tries opening again after a failure', async () => {
    let attempts = 0;
    const lanes = new LaneConnections<number>({
      open: async () => {
        if (++attempts === 1) throw new Error('refused');
        return attempts;
      },
      end: async () => undefined,
      discard: () => undefined,
    });
    await expect(lanes.get(0)).rejects.toThrow('refused');
    await tick();
    expect(await lanes.get(0)).toBe(2);
  });
});

describe('once and first commit', () => {
  it('runs a task once for every caller, and again after it failed', async () => {
    const once = new Once();
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Error('no');
    };
    await expect(Promise.all([once.run(failing), once.run(failing)])).rejects.toThrow('no');
    expect(runs).toBe(1);
    expect(once.done).toBe(false);
    const ok = async () => void runs++;
    await Promise.all([once.run(ok), once.run(ok)]);
    await once.run(ok);
    expect([runs, once.done]).toEqual([2, true]);
  });

  it('lets the first transaction that commits carry the extra step while the others wait', async () => {
    const gate = new FirstCommit(true);
    const log: string[] = [];
    const transaction =
      (name: string, fail = false) =>
      async (first: boolean) => {
        log.push(`${name} ${first ? 'first' : 'later'}`);
        await tick();
        if (fail) throw new Error(`${name} failed`);
        log.push(`${name} committed`);
      };
    await Promise.allSettled([
      gate.run(transaction('a', true)),
      gate.run(transaction('b')),
      gate.run(transaction('c')),
    ]);
    // a failed: b was then the first; c waited for b, and was not.
    expect(log).toEqual(['a first', 'b first', 'b committed', 'c later', 'c committed']);
    expect(gate.pending).toBe(false);
    const open = new FirstCommit(false);
    expect(await open.run(async (first) => first)).toBe(false);
  });
});
