import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src-main/engine/batch';
import { commitBisecting, writeResult, writeSlices, type BisectOptions } from './bisect';

/** A data error as a driver would raise it, wrapped by the writer as the real ones are. */
class FakeDataError extends Error {
  constructor(readonly row: number) {
    super(`bad value in row ${row}`);
  }
}

const options: BisectOptions = {
  isDataError: (error) => error instanceof Error && error.cause instanceof FakeDataError,
  rowMessage: (error) => ((error as Error).cause as FakeDataError).message,
};

/**
 * A table that takes a transaction whole or not at all: it refuses any transaction holding a
 * row `bad` picks (naming the first), and fails with `fatal` (not a data error) when set.
 */
function fakeTable(bad: (value: number) => boolean) {
  const committed: number[] = [];
  const transactions: number[] = [];
  let fatal: Error | undefined;
  const commit = async (rows: Row[]) => {
    transactions.push(rows.length);
    if (fatal) throw fatal;
    const first = rows.find((row) => bad(row[0] as number));
    if (first) throw new Error('cannot write to table "t"', { cause: new FakeDataError(first[0] as number) });
    committed.push(...rows.map((row) => row[0] as number));
  };
  return {
    commit,
    committed,
    transactions,
    failWith: (error: Error) => (fatal = error),
  };
}

const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => [i]);

describe('commitBisecting', () => {
  it('commits a good batch in one transaction, touching no row', async () => {
    const table = fakeTable(() => false);
    const batch = rows(1000);
    expect(await commitBisecting(batch, table.commit, options)).toEqual([]);
    expect(table.transactions).toEqual([1000]);
    expect(table.committed).toHaveLength(1000);
  });

  it('rejects exactly the bad rows with their own errors and writes every other row in order', async () => {
    const bad = new Set([0, 17, 18, 500, 999]);
    const table = fakeTable((v) => bad.has(v));
    const rejected = await commitBisecting(rows(1000), table.commit, options);
    expect(rejected).toEqual([...bad].map((index) => ({ index, error: `bad value in row ${index}` })));
    expect(table.committed).toEqual(Array.from({ length: 1000 }, (_, i) => i).filter((v) => !bad.has(v)));
    // About 2·k·log2(n) transactions, far from one per row.
    expect(table.transactions.length).toBeLessThan(2 * bad.size * Math.log2(1000));
  });

  it('skips trying whole a half that must hold the fault', async () => {
    const table = fakeTable((v) => v === 3);
    await commitBisecting(rows(4), table.commit, options);
    // [0..3] fails; [0,1] commits; so [2,3] is split at once: [2] commits, [3] is rejected.
    expect(table.transactions).toEqual([4, 2, 1, 1]);
  });

  it('rejects every row of an all-bad batch, and a single bad row', async () => {
    const all = fakeTable(() => true);
    expect((await commitBisecting(rows(7), all.commit, options)).map((r) => r.index)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
    expect(all.committed).toEqual([]);
    const one = fakeTable(() => true);
    expect(await commitBisecting(rows(1), one.commit, options)).toEqual([
      { index: 0, error: 'bad value in row 0' },
    ]);
    expect(await commitBisecting([], one.commit, options)).toEqual([]);
  });

  it('throws any other error as it is, at once', async () => {
    const table = fakeTable(() => false);
    const missing = new Error('relation "t" does not exist');
    table.failWith(missing);
    await expect(commitBisecting(rows(100), table.commit, options)).rejects.toBe(missing);
    expect(table.transactions).toEqual([100]);
  });

  it('stops at a non-data error met while splitting', async () => {
    const table = fakeTable((v) => v === 90);
    const commit = async (part: Row[]) => {
      // Lost for good after [0, 100) failed and [0, 50) and [50, 75) went in.
      if (table.transactions.length === 3)
        table.failWith(new Error('connection lost (gave up after 4 attempts)'));
      await table.commit(part);
    };
    await expect(commitBisecting(rows(100), commit, options)).rejects.toThrow('connection lost');
    expect(table.committed).toEqual(Array.from({ length: 75 }, (_, i) => i));
  });
});

describe('writeSlices', () => {
  it('writes slices of the given size, indexes rejected rows into the whole batch', async () => {
    const table = fakeTable((v) => v === 5 || v === 2501);
    const rejected = await writeSlices(rows(3000), 1000, table.commit, options);
    expect(rejected.map((r) => r.index)).toEqual([5, 2501]);
    expect(table.transactions.slice(0, 1)).toEqual([1000]);
    expect(table.committed).toHaveLength(2998);
  });

  it('resolves with nothing when every row went in, else the rejected rows in batch order', () => {
    expect(writeResult([])).toBeUndefined();
    expect(
      writeResult([
        { index: 4, error: 'b' },
        { index: 1, error: 'a' },
      ]),
    ).toEqual({
      rejected: [
        { index: 1, error: 'a' },
        { index: 4, error: 'b' },
      ],
    });
  });
});
