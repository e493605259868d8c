import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** Size past which the app log moves aside (10 MB). */
export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

export interface RotatingFileOptions {
  /** The file written now, e.g. `<data>/logs/fustgo.log`; it keeps this name. */
  path: string;
  maxBytes?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

/** `2025-01-31`, in local time: a log file holds one local day at most. */
function dayOf(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

/** `fustgo.log` → `fustgo.2025-01-31T10-11-12-345Z.log`: names that sort in time order. */
function rotatedName(path: string, at: Date): string {
  const extension = extname(path);
  const stem = basename(path, extension);
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  let candidate = join(dirname(path), `${stem}.${stamp}${extension}`);
  for (let n = 1; existsSync(candidate); n++)
    candidate = join(dirname(path), `${stem}.${stamp}-${n}${extension}`);
  return candidate;
}

/**
 * An append-only file written synchronously (a line is on disk when `write` returns, so nothing
 * is lost when the process exits), moved aside under a time-stamped name when it grows past
 * `maxBytes` or a new day begins, so the current file always has the same name for `tail -f`
 * and for readers. Old files are deleted by age by the retention, not here.
 *
 * Written by hand rather than with pino-roll or rotating-file-stream: pino-roll numbers every
 * file including the current one (a stable name needs a symlink, which Windows refuses without
 * privileges) and rolls asynchronously on `drain`; rotating-file-stream is an asynchronous
 * Writable (lines still buffered are lost when the process exits) whose current release needs
 * Node 22. What is needed here is a dozen lines over `fs`.
 */
export class RotatingFile {
  private fd: number | null = null;
  private size = 0;
  private day = '';
  private readonly maxBytes: number;
  private readonly now: () => Date;

  constructor(
    readonly path: string,
    options: Omit<RotatingFileOptions, 'path'> = {},
  ) {
    this.maxBytes = options.maxBytes ?? LOG_ROTATE_BYTES;
    this.now = options.now ?? (() => new Date());
  }

  write(text: string): void {
    const now = this.now();
    let fd = this.fd ?? this.open(now);
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && (this.size + bytes > this.maxBytes || this.day !== dayOf(now))) {
      this.rotate(now);
      fd = this.open(now);
    }
    writeSync(fd, text);
    this.size += bytes;
  }

  /** Moves the current file aside now (when it holds anything); returns its new path. */
  rotate(at: Date = this.now()): string | null {
    this.close();
    let size = 0;
    try {
      size = statSync(this.path).size;
    } catch {
      // no file yet
    }
    if (size === 0) return null;
    const target = rotatedName(this.path, at);
    renameSync(this.path, target);
    return target;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  private open(now: Date): number {
    mkdirSync(dirname(this.path), { recursive: true });
    const today = dayOf(now);
    let size = 0;
    let day = today;
    try {
      const stat = statSync(this.path);
      size = stat.size;
      day = dayOf(stat.mtime);
    } catch {
      // no file yet
    }
    // A file left from an earlier day (the app was closed overnight) or too big is moved aside first.
    if (size > 0 && (size >= this.maxBytes || day !== today)) {
      this.rotate(now);
      size = 0;
    }
    this.size = size;
    this.day = today;
    this.fd = openSync(this.path, 'a');
    return this.fd;
  }
}
