import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_LOG_FILE, EXECUTION_LOGS_DIR } from './log-destination';

/** A log file on disk. */
export interface LogFile {
  path: string;
  /** For app logs: the current `fustgo.log`, or one moved aside. */
  kind: 'app' | 'execution';
  /** For execution logs: whose. */
  executionId: string | null;
  /** Last write, epoch ms. */
  modifiedMs: number;
  size: number;
}

/**
 * `fustgo.log`, the files it was moved aside to (`fustgo.2025-01-31T10-11-12-345Z.log`), and those
 * of earlier versions of the studio (`fustgo.log.1`, `fustgo.log.2`).
 */
const APP_LOG_NAME = /^fustgo(\.[0-9TZ-]+)?\.log(\.\d+)?$/;
const EXECUTION_LOG_NAME = /^([A-Za-z0-9_-]+)\.log$/;

async function entriesOf(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return []; // nothing logged yet
  }
}

async function described(
  path: string,
  kind: LogFile['kind'],
  executionId: string | null,
): Promise<LogFile | null> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return null;
    return { path, kind, executionId, modifiedMs: info.mtimeMs, size: info.size };
  } catch {
    return null; // deleted meanwhile
  }
}

function present(files: (LogFile | null)[]): LogFile[] {
  return files.filter((file): file is LogFile => file !== null);
}

/** The app log files, oldest first; the current one (`fustgo.log`) last. */
export async function appLogFiles(logsDir: string): Promise<LogFile[]> {
  const names = (await entriesOf(logsDir)).filter((name) => APP_LOG_NAME.test(name));
  const files = present(await Promise.all(names.map((name) => described(join(logsDir, name), 'app', null))));
  const current = join(logsDir, APP_LOG_FILE);
  return files.sort((a, b) =>
    a.path === current
      ? 1
      : b.path === current
        ? -1
        : a.modifiedMs - b.modifiedMs || a.path.localeCompare(b.path),
  );
}

/** The execution logs, every one or those of the given executions. */
export async function executionLogFiles(logsDir: string, only?: readonly string[]): Promise<LogFile[]> {
  const dir = join(logsDir, EXECUTION_LOGS_DIR);
  const wanted = only ? new Set(only) : null;
  const found: Promise<LogFile | null>[] = [];
  for (const name of await entriesOf(dir)) {
    const match = EXECUTION_LOG_NAME.exec(name);
    if (!match || (wanted && !wanted.has(match[1]))) continue;
    found.push(described(join(dir, name), 'execution', match[1]));
  }
  return present(await Promise.all(found)).sort((a, b) => a.path.localeCompare(b.path));
}
