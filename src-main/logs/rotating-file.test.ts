import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingFile } from './rotating-file';

describe('RotatingFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-rotate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('moves the file aside under a time-stamped name when it would grow past its size', () => {
    const file = new RotatingFile(join(dir, 'fustgo.log'), { maxBytes: 25 });
    for (const line of ['first line\n', 'second line\n', 'third line\n', 'fourth line\n']) file.write(line);
    file.close();
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(2);
    expect(names).toContain('fustgo.log');
    const aside = names.find((name) => name !== 'fustgo.log') as string;
    expect(aside).toMatch(/^fustgo\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.log$/);
    expect(readFileSync(join(dir, aside), 'utf8')).toBe('first line\nsecond line\n');
    expect(readFileSync(join(dir, 'fustgo.log'), 'utf8')).toBe('third line\nfourth line\n');
  });

  it('starts a new file on a new day, also for a file left from yesterday', () => {
    const path = join(dir, 'fustgo.log');
    writeFileSync(path, 'from yesterday\n');
    const yesterday = new Date(Date.now() - 86_400_000);
    utimesSync(path, yesterday, yesterday);
    let now = new Date();
    const file = new RotatingFile(path, { now: () => now });
    file.write('today\n');
    expect(readFileSync(path, 'utf8')).toBe('today\n');
    now = new Date(now.getTime() + 86_400_000);
    file.write('tomorrow\n');
    file.close();
    expect(readFileSync(path, 'utf8')).toBe('tomorrow\n');
    const aside = readdirSync(dir)
      .filter((name) => name !== 'fustgo.log')
      .sort()
      .map((name) => readFileSync(join(dir, name), 'utf8'));
    expect(aside.sort()).toEqual(['from yesterday\n', 'today\n']);
  });

  it('keeps appending to a small file of today', () => {
    const path = join(dir, 'fustgo.log');
    writeFileSync(path, 'earlier today\n');
    const file = new RotatingFile(path);
    file.write('later\n');
    file.close();
    expect(readdirSync(dir)).toEqual(['fustgo.log']);
    expect(readFileSync(path, 'utf8')).toBe('earlier today\nlater\n');
  });
});
