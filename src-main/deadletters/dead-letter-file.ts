import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'yaml';
import type { Execution } from '../../src-shared/api/model';

/*
 * Where an execution's dead letters are, and reading them. A studio run writes its own file,
 * `<data>/jobs/<job>/dead-letter/<execution>.jsonl`; a config with `pipeline.dead_letter.path`
 * names one file that every run of the job appends to, and the run's notes say which. In a
 * shared file an execution's rows are those written while it ran (a job runs once at a time).
 */

/** One line of a dead-letter file as the run wrote it (`DeadLetterEntry`), with its line number. */
export interface StoredDeadLetter {
  /** The line (0-based) in the file. */
  index: number;
  time: string;
  place: string;
  lane: number;
  error: string;
  row: Record<string, unknown>;
  /** The logical type of each column, when the run recorded them. */
  types?: Record<string, string>;
}

/** The dead-letter file of an execution and whether other executions write to it too. */
export interface DeadLetterLocation {
  file: string;
  /** True when the file is not the execution's own: only rows written while it ran are its. */
  shared: boolean;
}

/** The folder of a job's dead-letter files (and the edits and replay inputs beside them). */
export function deadLetterDir(dataDir: string, jobId: string): string {
  return join(dataDir, 'jobs', jobId, 'dead-letter');
}

/** What a studio run writes to unless the config names a file (see `run-worker.ts`). */
export function defaultDeadLetterFile(dataDir: string, jobId: string, executionId: string): string {
  return join(deadLetterDir(dataDir, jobId), `${executionId}.jsonl`);
}

/** `3 rows rejected by the output were written to /path/x.jsonl` (see `PlaceCounts.notes`). */
const WRITTEN_NOTE = / rejected by .+ (?:was|were) written to (.+)$/;

/** The file a run's notes name for its rejected rows. */
export function fileFromNotes(notes: string[]): string | undefined {
  for (const note of notes) {
    const match = WRITTEN_NOTE.exec(note);
    if (match) return match[1];
  }
  return undefined;
}

/** `pipeline.dead_letter.path` of a config's text, as written (relative to the job's folder), if any. */
function configuredPath(configYaml: string): string | undefined {
  try {
    const config = parse(configYaml) as { pipeline?: { dead_letter?: { path?: unknown } } } | null;
    const path = config?.pipeline?.dead_letter?.path;
    // A path with `${VAR}` in it is known only to the run: its notes say where it went.
    return typeof path === 'string' && path !== '' && !path.includes('${') ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The execution's dead-letter file: the one its notes name (a finished run), else the one the
 * config names (a run still going), else its own default file.
 */
export function locateDeadLetters(
  dataDir: string,
  execution: Pick<Execution, 'id' | 'job_id' | 'notes'>,
  configYaml: string,
): DeadLetterLocation {
  const own = defaultDeadLetterFile(dataDir, execution.job_id, execution.id);
  const named = fileFromNotes(execution.notes);
  const configured = configuredPath(configYaml);
  const file =
    named ?? (configured ? resolve(join(dataDir, 'jobs', execution.job_id), configured) : undefined) ?? own;
  return { file, shared: resolve(file) !== resolve(own) };
}

/** The part of a shared file that is the execution's: rows written between its start and end. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** Slack either side of a run's start and end: its rows' times are taken a little after the store's. */
const WINDOW_SLACK_MS = 1000;

export function executionWindow(
  execution: Pick<Execution, 'created_at' | 'started_at' | 'finished_at'>,
): TimeWindow {
  const start = Date.parse(execution.started_at ?? execution.created_at);
  const end = execution.finished_at ? Date.parse(execution.finished_at) : Number.POSITIVE_INFINITY;
  return { from: start - WINDOW_SLACK_MS, to: end + WINDOW_SLACK_MS };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A parsed line as an entry, or undefined when it is not one (a line cut short when the run was killed). */
function entryOf(index: number, line: string): StoredDeadLetter | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || !isRecord(value.row)) return undefined;
  const { time, place, lane, error, row, types } = value;
  if (typeof time !== 'string' || typeof place !== 'string' || typeof error !== 'string') return undefined;
  const entry: StoredDeadLetter = {
    index,
    time,
    place,
    lane: typeof lane === 'number' ? lane : 0,
    error,
    row,
  };
  if (isRecord(types)) {
    const known: Record<string, string> = {};
    for (const [column, type] of Object.entries(types)) if (typeof type === 'string') known[column] = type;
    entry.types = known;
  }
  return entry;
}

/** What a read found: the entries and the lines that were not entries. */
export interface DeadLetterRead {
  entries: StoredDeadLetter[];
  unreadable: number;
}

/** Reads a dead-letter file (a missing file has no entries); with `window`, only entries written in it. */
export async function readDeadLetterFile(file: string, window?: TimeWindow): Promise<DeadLetterRead> {
  const entries: StoredDeadLetter[] = [];
  let unreadable = 0;
  let stream;
  try {
    await stat(file);
    stream = createReadStream(file, { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries, unreadable };
    throw error;
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let index = -1;
  try {
    for await (const line of lines) {
      index++;
      if (line.trim() === '') continue;
      const entry = entryOf(index, line);
      if (!entry) {
        unreadable++;
        continue;
      }
      if (window) {
        const at = Date.parse(entry.time);
        if (!(at >= window.from && at <= window.to)) continue;
      }
      entries.push(entry);
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return { entries, unreadable };
}

/**
 * Reads are kept while the file is unchanged (same size and modification time): paging and
 * searching a large file parses it once. A few files are kept, the last used.
 */
export class DeadLetterReader {
  private readonly cache = new Map<string, { key: string; read: DeadLetterRead }>();

  constructor(private readonly keep = 4) {}

  async read(location: DeadLetterLocation, window: TimeWindow): Promise<DeadLetterRead> {
    let key: string;
    try {
      const info = await stat(location.file);
      key = `${info.size}:${info.mtimeMs}:${location.shared ? `${window.from}-${window.to}` : ''}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], unreadable: 0 };
      throw error;
    }
    const cacheKey = `${location.file}\u0000${location.shared ? `${window.from}` : ''}`;
    const cached = this.cache.get(cacheKey);
    if (cached?.key === key) {
      // Most recently used last.
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached);
      return cached.read;
    }
    const read = await readDeadLetterFile(location.file, location.shared ? window : undefined);
    this.cache.set(cacheKey, { key, read });
    while (this.cache.size > this.keep) this.cache.delete(this.cache.keys().next().value as string);
    return read;
  }
}
