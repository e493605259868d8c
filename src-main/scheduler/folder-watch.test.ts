import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFolderWatch, matchesPattern, type FolderWatch } from './folder-watch';

describe('matchesPattern', () => {
  it('matches file names by glob; no pattern matches any; hidden files never', () => {
    expect(matchesPattern('orders.csv', '*.csv')).toBe(true);
    expect(matchesPattern('orders.json', '*.csv')).toBe(false);
    expect(matchesPattern('orders-2026.csv', 'orders-*.{csv,jsonl}')).toBe(true);
    expect(matchesPattern('anything.bin', null)).toBe(true);
    expect(matchesPattern('.orders.csv.part', null)).toBe(false);
    expect(matchesPattern('.orders.csv', '*.csv')).toBe(false);
  });
});

describe('createFolderWatch', () => {
  let dir: string;
  let folder: string;
  let remembered: string[];
  let forgotten: string[];
  let arrived: string[];

  const watch = (seen: string[], baseline: boolean, pattern: string | null = '*.csv'): FolderWatch =>
    createFolderWatch({
      folder,
      pattern,
      seen: new Set(seen),
      baseline,
      remember: async (paths) => void remembered.push(...paths),
      forget: async (paths) => void forgotten.push(...paths),
      arrived: async (path) => void arrived.push(path),
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-watch-'));
    folder = join(dir, 'inbox');
    remembered = [];
    forgotten = [];
    arrived = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts a run once per new file, after it stopped changing', async () => {
    mkdirSync(folder);
    const w = watch([], false);
    writeFileSync(join(folder, 'a.csv'), 'id\n1\n');
    writeFileSync(join(folder, 'skip.txt'), 'x');
    await w.poll();
    expect(arrived).toEqual([]); // seen once: maybe still being written
    await w.poll();
    expect(arrived).toEqual([join(folder, 'a.csv')]);
    expect(remembered).toEqual([join(folder, 'a.csv')]);
    await w.poll();
    await w.poll();
    expect(arrived).toHaveLength(1);
  });

  it('waits while a file grows', async () => {
    mkdirSync(folder);
    const w = watch([], false);
    const file = join(folder, 'big.csv');
    writeFileSync(file, 'id\n');
    await w.poll();
    writeFileSync(file, 'id\n1\n2\n');
    utimesSync(file, new Date(), new Date(Date.now() + 1000));
    await w.poll();
    expect(arrived).toEqual([]);
    await w.poll();
    expect(arrived).toEqual([file]);
  });

  it('takes what is there at the first watch as not new', async () => {
    mkdirSync(folder);
    writeFileSync(join(folder, 'old.csv'), 'x');
    const w = watch([], true);
    await w.poll();
    expect(remembered).toEqual([join(folder, 'old.csv')]);
    await w.poll();
    await w.poll();
    expect(arrived).toEqual([]);
  });

  it('skips files seen before a restart, and forgets files that are gone', async () => {
    mkdirSync(folder);
    writeFileSync(join(folder, 'seen.csv'), 'x');
    const w = watch([join(folder, 'seen.csv'), join(folder, 'removed.csv')], false);
    await w.poll();
    await w.poll();
    expect(arrived).toEqual([]);
    expect(forgotten).toEqual([join(folder, 'removed.csv')]);
  });

  it('treats a folder that does not exist yet as empty, and its files as new when it appears', async () => {
    const w = watch([], true);
    await w.poll();
    mkdirSync(folder);
    writeFileSync(join(folder, 'late.csv'), 'x');
    await w.poll();
    await w.poll();
    expect(arrived).toEqual([join(folder, 'late.csv')]);
  });
});
