import { describe, expect, it } from 'vitest';
import {
  discardedNote,
  discardStaged,
  isLeftoverStaging,
  mergeStaged,
  stagingCreatedAt,
  stagingTableName,
} from './merge';

describe('merge staging tables', () => {
  const now = new Date('2025-03-01T10:00:00Z');

  it('names a staging table after its target, with its creation time and a random part', () => {
    const name = stagingTableName('orders', now, 'a1b2c3');
    expect(name).toMatch(/^orders__fustgo_stage_[0-9a-z]{7}_a1b2c3$/);
    expect(stagingCreatedAt(name, 'orders')).toEqual(now);
    expect(stagingTableName('orders', now)).not.toBe(stagingTableName('orders', now));
  });

  it('keeps a long name within 63 bytes, cutting the target part at a character', () => {
    const long = 'ü'.repeat(40);
    const name = stagingTableName(long, now, 'a1b2c3');
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(name.endsWith('_a1b2c3')).toBe(true);
    expect(stagingCreatedAt(name, long)).toEqual(now);
  });

  it('tells a killed run’s leftover (older than a day, same target) from a live one', () => {
    const old = stagingTableName('orders', new Date(now.getTime() - 25 * 3600_000));
    const recent = stagingTableName('orders', new Date(now.getTime() - 3600_000));
    expect(isLeftoverStaging(old, 'orders', now)).toBe(true);
    expect(isLeftoverStaging(recent, 'orders', now)).toBe(false);
    // Another table's staging, or a table that only looks like one, is never touched.
    expect(isLeftoverStaging(stagingTableName('orders_2024', new Date(0)), 'orders', now)).toBe(false);
    expect(isLeftoverStaging('orders__fustgo_stage_x', 'orders', now)).toBe(false);
    expect(isLeftoverStaging(old.toUpperCase(), 'orders', now)).toBe(false);
    expect(isLeftoverStaging(old.replace('orders', 'ORDERS'), 'orders', now, true)).toBe(true);
  });

  it('says nothing was written when it discards, and when a merge fails', async () => {
    const where = '"orders" in PostgreSQL database "shop"';
    expect(discardedNote(where, 1234)).toBe(
      'merge: nothing was written to table "orders" in PostgreSQL database "shop"; 1,234 staged rows were discarded',
    );
    const dropped: string[] = [];
    const steps = (merge: () => Promise<void>) => ({
      name: 'orders__fustgo_stage_x',
      rows: 3,
      merge,
      drop: async () => void dropped.push('drop'),
    });
    await expect(
      mergeStaged(
        steps(async () => {
          throw new Error('duplicate key');
        }),
        where,
      ),
    ).rejects.toThrow(
      'merge: nothing was written to table "orders" in PostgreSQL database "shop"; 3 staged rows were discarded: the merge failed: duplicate key',
    );
    expect(
      await mergeStaged(
        steps(async () => undefined),
        where,
      ),
    ).toBeUndefined();
    expect(
      await discardStaged(
        steps(async () => undefined),
        where,
      ),
    ).toBe(discardedNote(where, 3));
    expect(dropped).toEqual(['drop', 'drop', 'drop']);
    expect(await discardStaged(undefined, where)).toBe(discardedNote(where, 0));
    const stuck = { ...steps(async () => undefined), drop: () => Promise.reject(new Error('gone away')) };
    expect(await mergeStaged(stuck, where)).toMatch(
      /^merge: the rows were merged into table "orders" .*, but the staging table "orders__fustgo_stage_x" could not be dropped \(gone away\)/,
    );
  });
});
