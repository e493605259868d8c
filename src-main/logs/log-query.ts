import { open, type FileHandle } from 'node:fs/promises';
import { ApiError } from '../../src-shared/api/errors';
import type { LogLevel } from '../../src-shared/api/model';
import { BackwardLines, endOfLinesUpTo } from './backward-lines';
import { appLogFiles, executionLogFiles, type LogFile } from './log-files';
import { LEVEL_VALUES, microTime, parseLogLine, rawLevel, rawTime, type LogRecord } from './log-record';

/*
 * Reading the log files back, newest first. Each file is read from its end towards its start
 * (after a binary search when the range ends earlier), and the files that can hold lines of the
 * range are merged by time, opened only when the merge reaches the time they were last written.
 *
 * Where lines live (see LogDestination): a run's lines in `executions/<id>.log`, the app's own in
 * `fustgo.log` (and the files it was moved aside to). Host lines about an execution are in both;
 * they are read from the execution's file.
 */

export interface LogFilterInput {
  execution_id?: string | undefined;
  job_id?: string | undefined;
  level?: LogLevel | undefined;
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface LogReadRequest extends LogFilterInput {
  /** `next` of the previous answer. */
  before?: string | undefined;
  limit: number;
}

/** A line that matched, as stored and as parsed. */
export interface FoundLine {
  raw: string;
  record: LogRecord;
}

export interface LogReadResult {
  lines: FoundLine[];
  /** The cursor of the next (older) lines; null when there are none. */
  next: string | null;
}

export interface LogReaderOptions {
  /** `<data dir>/logs`. */
  logsDir: string;
  /** A job's execution ids, so a job filter reads only its runs' logs; without it every one is read. */
  executionsOfJob?: (jobId: string) => Promise<string[]>;
}

/** Slack for file systems whose modification times are coarser than the lines' milliseconds. */
const MTIME_SLACK_MS = 2000;

/** A time from the caller as the files write it; `to` takes the whole millisecond it names. */
function lineTime(value: string, field: string, end = false): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new ApiError('bad_request', `${field}: not a date and time: ${value}`, [
      { path: field, message: 'must be an ISO 8601 date and time' },
    ]);
  return microTime(time, end);
}

/** The cursor: the time of the last line given, and how many lines of that very millisecond were given. */
interface Cursor {
  time: string;
  seen: number;
}

const LINE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

function parseCursor(before: string): Cursor {
  const match = /^(.+)\|(\d+)$/.exec(before);
  if (!match || !LINE_TIME.test(match[1]))
    throw new ApiError('bad_request', 'before: not a cursor from an earlier page');
  return { time: match[1], seen: Number(match[2]) };
}

function formatCursor(cursor: Cursor): string {
  return `${cursor.time}|${cursor.seen}`;
}

/** What each line must be, checked cheaply on the raw text first, then on the parsed line. */
interface LineFilter {
  minLevel: number;
  /** Lower-cased keyword. */
  keyword: string | null;
  /** Whether the keyword can be looked for in the raw JSON text (it has nothing JSON escapes). */
  keywordInRaw: boolean;
  from: string | null;
  upper: string | null;
}

/** Whether JSON writes `text` differently (quotes, backslashes, control characters are escaped). */
function hasJsonEscapes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c) return true;
  }
  return false;
}

function keywordMatches(record: LogRecord, keyword: string): boolean {
  if (record.msg.toLowerCase().includes(keyword)) return true;
  return record.detail !== null && JSON.stringify(record.detail).toLowerCase().includes(keyword);
}

/** One file being read backwards, with its next matching line ready. */
class Source {
  head: FoundLine | null = null;
  private file: FileHandle | null = null;
  private lines: BackwardLines | null = null;

  constructor(
    readonly info: LogFile,
    readonly rank: number,
    private readonly accept: (record: LogRecord) => boolean,
    private readonly filter: LineFilter,
  ) {}

  /** The newest time this file can hold a line of. */
  get newestPossible(): string {
    return microTime(new Date(this.info.modifiedMs + MTIME_SLACK_MS));
  }

  async open(): Promise<void> {
    try {
      this.file = await open(this.info.path, 'r');
    } catch {
      return; // deleted meanwhile (retention): nothing to read
    }
    const { size } = await this.file.stat();
    const end =
      this.filter.upper !== null && this.filter.upper < this.newestPossible
        ? await endOfLinesUpTo(this.file, size, this.filter.upper)
        : size;
    this.lines = new BackwardLines(this.file, end);
    await this.advance();
  }

  async advance(): Promise<void> {
    this.head = null;
    const { minLevel, keyword, keywordInRaw, from, upper } = this.filter;
    while (this.lines) {
      const raw = await this.lines.next();
      if (raw === null) break;
      const time = rawTime(raw);
      if (time !== null) {
        if (upper !== null && time > upper) continue;
        if (from !== null && time < from) break; // lines are in time order: the rest are older
      }
      const level = rawLevel(raw);
      if (level !== null && level < minLevel) continue;
      if (keyword && keywordInRaw && !raw.toLowerCase().includes(keyword)) continue;
      const record = parseLogLine(raw);
      if (!record || record.level < minLevel || !this.accept(record)) continue;
      if (upper !== null && record.time > upper) continue;
      if (keyword && !keywordMatches(record, keyword)) continue;
      this.head = { raw, record };
      return;
    }
    await this.close();
  }

  async close(): Promise<void> {
    this.lines = null;
    const file = this.file;
    this.file = null;
    await file?.close();
  }
}

/** Newest head first; at the same millisecond, the lower rank (a fixed order of the files). */
function before(a: Source, b: Source): boolean {
  const at = (a.head as FoundLine).record.time;
  const bt = (b.head as FoundLine).record.time;
  return at !== bt ? at > bt : a.rank < b.rank;
}

/** A binary heap of sources by their head line. */
class SourceHeap {
  private readonly items: Source[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Source | undefined {
    return this.items[0];
  }

  push(source: Source): void {
    const items = this.items;
    items.push(source);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): Source | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let best = i;
        if (left < items.length && before(items[left], items[best])) best = left;
        if (right < items.length && before(items[right], items[best])) best = right;
        if (best === i) break;
        [items[i], items[best]] = [items[best], items[i]];
        i = best;
      }
    }
    return top;
  }
}

/** The files a filter reads, each with what it must accept of them. */
async function sourcesFor(
  options: LogReaderOptions,
  request: LogFilterInput,
  filter: LineFilter,
): Promise<Source[]> {
  const { logsDir } = options;
  const sources: Source[] = [];
  const add = (files: LogFile[], accept: (record: LogRecord) => boolean) => {
    for (const file of files) sources.push(new Source(file, sources.length, accept, filter));
  };
  if (request.execution_id) {
    add(await executionLogFiles(logsDir, [request.execution_id]), () => true);
    return sources;
  }
  const jobId = request.job_id;
  // The current app log first, then those moved aside, newest first: a fixed order for ties.
  const appFiles = (await appLogFiles(logsDir)).reverse();
  if (jobId) {
    add(appFiles, (record) => record.job_id === jobId && !record.execution_id);
    const ids = options.executionsOfJob ? await options.executionsOfJob(jobId) : undefined;
    add(await executionLogFiles(logsDir, ids), (record) => record.job_id === jobId);
  } else {
    add(appFiles, (record) => !record.execution_id);
    add(await executionLogFiles(logsDir), () => true);
  }
  return sources;
}

/**
 * The newest `limit` lines that match, older than the cursor `before`, and the cursor of the
 * lines after them. Throws `bad_request` for a time or cursor it cannot read.
 */
export async function readLogs(options: LogReaderOptions, request: LogReadRequest): Promise<LogReadResult> {
  const from = request.from ? lineTime(request.from, 'from') : null;
  const to = request.to ? lineTime(request.to, 'to', true) : null;
  const cursor = request.before ? parseCursor(request.before) : null;
  const upper = cursor && (to === null || cursor.time < to) ? cursor.time : to;
  // Lines of the cursor's millisecond already given are skipped, in the merge's fixed order.
  let toSkip = cursor && cursor.time === upper ? cursor.seen : 0;
  const keyword = request.q?.trim().toLowerCase() || null;
  const filter: LineFilter = {
    minLevel: LEVEL_VALUES[request.level ?? 'debug'],
    keyword,
    keywordInRaw: keyword !== null && !hasJsonEscapes(keyword),
    from,
    upper,
  };

  const waiting = (await sourcesFor(options, request, filter))
    .filter((source) => from === null || source.newestPossible >= from)
    .sort((a, b) => b.info.modifiedMs - a.info.modifiedMs);
  const opened: Source[] = [];
  const heap = new SourceHeap();
  const lines: FoundLine[] = [];
  let more = false;
  try {
    for (;;) {
      // Open every file that may hold a line as new as the newest one found so far.
      while (waiting.length > 0) {
        const top = heap.peek();
        if (top && waiting[0].newestPossible < (top.head as FoundLine).record.time) break;
        const source = waiting.shift() as Source;
        opened.push(source);
        await source.open();
        if (source.head) heap.push(source);
      }
      const source = heap.pop();
      if (!source) break;
      const line = source.head as FoundLine;
      await source.advance();
      if (source.head) heap.push(source);
      if (toSkip > 0 && line.record.time === upper) {
        toSkip--;
        continue;
      }
      if (lines.length === request.limit) {
        more = true;
        break;
      }
      lines.push(line);
    }
  } finally {
    await Promise.all(opened.map((source) => source.close()));
  }
  return { lines, next: more ? nextCursor(lines, cursor) : null };
}

function nextCursor(lines: FoundLine[], cursor: Cursor | null): string | null {
  const last = lines[lines.length - 1];
  if (!last) return null;
  const time = last.record.time;
  let seen = lines.filter((line) => line.record.time === time).length;
  if (cursor && cursor.time === time) seen += cursor.seen;
  return formatCursor({ time, seen });
}
