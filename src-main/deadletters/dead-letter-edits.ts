import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deadLetterDir } from './dead-letter-file';

/*
 * Edits of dead-lettered rows live beside the file the run wrote, in
 * `<execution>.edits.json`, never in it: that file is the run's record (appended and synced row
 * by row, possibly shared by every run of the job and appended to by a run going on right now),
 * so rewriting it could lose rows; kept apart, the original stays to compare with and revert to.
 * The sidecar is small and replaced atomically (written aside, then renamed over).
 */

export interface RowEdit {
  row: Record<string, unknown>;
  /** When it was made (ISO 8601). */
  at: string;
}

interface EditsFile {
  version: 1;
  /** By dead-letter index. */
  edits: Record<string, RowEdit>;
}

export function editsFileOf(dataDir: string, jobId: string, executionId: string): string {
  return join(deadLetterDir(dataDir, jobId), `${executionId}.edits.json`);
}

/** The edits of an execution's dead letters by index; none when the sidecar does not exist. */
export async function readEdits(file: string): Promise<Map<number, RowEdit>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  let parsed: EditsFile;
  try {
    parsed = JSON.parse(text) as EditsFile;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const edits = new Map<number, RowEdit>();
  for (const [key, edit] of Object.entries(parsed.edits ?? {})) edits.set(Number(key), edit);
  return edits;
}

/** Writes `text` to `file` so a reader sees the old or the new content, never a part. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { flush: true });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Sets (or with `row` null, removes) the edit of one dead letter. Changes of one sidecar are made
 * one after the other, so two edits arriving together both stay.
 */
export class EditStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  async set(file: string, index: number, row: Record<string, unknown> | null, at: string): Promise<void> {
    const previous = this.queues.get(file) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const edits = await readEdits(file);
        if (row === null) edits.delete(index);
        else edits.set(index, { row, at });
        const body: EditsFile = {
          version: 1,
          edits: Object.fromEntries(
            [...edits].sort(([a], [b]) => a - b).map(([i, edit]) => [String(i), edit]),
          ),
        };
        await writeAtomically(file, `${JSON.stringify(body, null, 2)}\n`);
      });
    this.queues.set(file, next);
    try {
      await next;
    } finally {
      if (this.queues.get(file) === next) this.queues.delete(file);
    }
  }
}
