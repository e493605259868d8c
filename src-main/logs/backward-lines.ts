import type { FileHandle } from 'node:fs/promises';
import { rawTime } from './log-record';

/** Bytes read at a time, from the end towards the start. */
const CHUNK_BYTES = 128 * 1024;
const NEWLINE = 0x0a;

/**
 * The lines of `[0, end)` of an open file, last first, read in chunks from the end: the newest
 * page of a large log costs one or two reads. Lines are split on the `\n` byte, which never occurs
 * inside a multi-byte UTF-8 character, so chunk edges cannot cut a character in two.
 */
export class BackwardLines {
  private position: number;
  /** Start of the earliest line seen so far, which may continue in the chunk before. */
  private head: Buffer = Buffer.alloc(0);
  /** Complete lines of the last chunk, in file order; taken from the end. */
  private pending: string[] = [];

  constructor(
    private readonly file: FileHandle,
    end: number,
  ) {
    this.position = end;
  }

  async next(): Promise<string | null> {
    while (this.pending.length === 0) {
      if (this.position === 0) {
        if (this.head.length === 0) return null;
        const first = this.head.toString('utf8');
        this.head = Buffer.alloc(0);
        if (first.length > 0) return first;
        continue;
      }
      await this.readChunk();
    }
    return this.pending.pop() ?? null;
  }

  private async readChunk(): Promise<void> {
    const length = Math.min(CHUNK_BYTES, this.position);
    this.position -= length;
    const chunk = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.file.read(chunk, 0, length, this.position);
    const buffer =
      this.head.length > 0
        ? Buffer.concat([chunk.subarray(0, bytesRead), this.head])
        : chunk.subarray(0, bytesRead);
    const firstNewline = buffer.indexOf(NEWLINE);
    if (firstNewline === -1) {
      this.head = buffer;
      return;
    }
    this.head = buffer.subarray(0, firstNewline);
    this.pending = buffer
      .subarray(firstNewline + 1)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.length > 0);
  }
}

/** The first line starting at or after `from`, with its offset; null when none starts before `limit`. */
async function lineStartingAfter(
  file: FileHandle,
  from: number,
  limit: number,
): Promise<{ start: number; time: string | null } | null> {
  const probe = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limit - from + 512));
  const { bytesRead } = await file.read(probe, 0, probe.length, from);
  const data = probe.subarray(0, bytesRead);
  const newline = data.indexOf(NEWLINE);
  if (newline === -1) return null;
  const start = from + newline + 1;
  if (start >= limit) return null;
  const rest = data.subarray(newline + 1);
  const end = rest.indexOf(NEWLINE);
  return { start, time: rawTime(rest.subarray(0, end === -1 ? rest.length : end).toString('utf8')) };
}

/**
 * Where the lines at or before `upper` (an ISO time) end in a file of `size` bytes whose lines
 * are in time order (they are appended as they happen): a binary search over byte offsets, so a
 * time range deep in a 50 MB log starts reading near its end without reading what follows it.
 * Returns a line start (or `size`); lines before it may still be later than `upper` near the
 * boundary, and readers check each line's time anyway.
 */
export async function endOfLinesUpTo(file: FileHandle, size: number, upper: string): Promise<number> {
  let low = 0;
  let high = size;
  while (high - low > CHUNK_BYTES) {
    const middle = Math.floor((low + high) / 2);
    const line = await lineStartingAfter(file, middle, high);
    if (!line) break; // one long line spans the rest of the window
    if (line.time === null || line.time <= upper) low = line.start + 1;
    else high = line.start;
  }
  return high;
}
