import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * Finds the file a run wrote for a relative output path (e.g. `output/orders.csv`):
 * the newest match under any of `roots` modified at or after `since`. Where a job's
 * relative paths land is the host's choice (its data dir, or the examples folder),
 * so the test looks where they may be rather than assuming one.
 */
export function findWrittenFile(roots: string[], relativePath: string, since: number): string | null {
  const suffix = sep + relativePath.split('/').join(sep);
  let best: { path: string; mtime: number } | null = null;
  const visit = (dir: string, depth: number) => {
    if (depth > 6) return;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry === 'node_modules' || entry === '.git') continue;
      const path = join(dir, entry);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) visit(path, depth + 1);
      else if (path.endsWith(suffix) && stat.mtimeMs >= since && (!best || stat.mtimeMs > best.mtime)) {
        best = { path, mtime: stat.mtimeMs };
      }
    }
  };
  for (const root of roots) visit(root, 0);
  return (best as { path: string } | null)?.path ?? null;
}

/** A CSV file's header fields and data row count (fields are plain, as the example writes them). */
export function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line !== '');
  const [header = '', ...rows] = lines;
  return { header: header.split(','), rows: rows.map((line) => line.split(',')) };
}
