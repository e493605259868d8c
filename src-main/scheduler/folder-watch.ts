import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { minimatch } from 'minimatch';

/*
 * A file trigger's folder, polled: polling works the same on every file system (network shares,
 * Docker volumes, folders that do not exist yet), where change notifications do not. A new file
 * counts once its size and modification time stayed the same across two polls, so a file still
 * being copied in does not start a run half written.
 */

/** Whether a file name matches the trigger's glob (null: any); hidden files (`.name`) never do. */
export function matchesPattern(name: string, pattern: string | null): boolean {
  if (name.startsWith('.')) return false;
  return pattern === null || minimatch(name, pattern, { dot: false, nocase: process.platform === 'win32' });
}

export interface FolderWatchOptions {
  folder: string;
  pattern: string | null;
  /** Paths already seen (from the store): these never start a run. */
  seen: Set<string>;
  /** True the first time this folder and pattern are watched: what is there already is not new. */
  baseline: boolean;
  /** Files to remember as seen (the baseline, or a new file just before its run is asked for). */
  remember(paths: string[]): Promise<void>;
  /** Seen files that are gone: a file of that name appearing again is new. */
  forget(paths: string[]): Promise<void>;
  /** A new, complete file. */
  arrived(path: string): Promise<void>;
}

export interface FolderWatch {
  /** Looks at the folder once; call it on a timer. */
  poll(): Promise<void>;
}

interface FileMark {
  size: number;
  mtimeMs: number;
}

export function createFolderWatch(options: FolderWatchOptions): FolderWatch {
  const { folder, pattern, seen } = options;
  let baseline = options.baseline;
  /** New files seen by the last poll, with their size and time then. */
  let pending = new Map<string, FileMark>();

  const listFiles = async (): Promise<string[]> => {
    try {
      const entries = await readdir(folder, { withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile() && matchesPattern(entry.name, pattern))
        .map((entry) => join(folder, entry.name));
    } catch (error) {
      // A folder that does not exist (yet) holds no files; its files are new when it appears.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };

  const markOf = async (path: string): Promise<FileMark | undefined> => {
    try {
      const info = await stat(path);
      return { size: info.size, mtimeMs: info.mtimeMs };
    } catch {
      return undefined; // gone between the listing and now
    }
  };

  return {
    async poll() {
      const files = await listFiles();
      const present = new Set(files);
      const gone = [...seen].filter((path) => !present.has(path));
      if (gone.length > 0) {
        for (const path of gone) seen.delete(path);
        await options.forget(gone);
      }
      if (baseline) {
        const existing = files.filter((path) => !seen.has(path));
        for (const path of existing) seen.add(path);
        await options.remember(existing);
        baseline = false;
        return;
      }
      const next = new Map<string, FileMark>();
      for (const path of files) {
        if (seen.has(path)) continue;
        const mark = await markOf(path);
        if (!mark) continue;
        const before = pending.get(path);
        if (before && before.size === mark.size && before.mtimeMs === mark.mtimeMs) {
          // Remembered before the run is asked for: whatever happens next, the file starts one run.
          seen.add(path);
          await options.remember([path]);
          await options.arrived(path);
        } else {
          next.set(path, mark);
        }
      }
      pending = next;
    },
  };
}
