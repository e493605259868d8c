import type { Row } from '../../../src-main/engine/batch';
import type { RejectedRow, WriteResult } from '../../../src-main/engine/component';

/*
 * Finding the bad rows of a batch the database refused. A SQL writer commits many rows per
 * transaction, and the database names one failure for all of them; splitting the rows and
 * committing the parts on their own narrows it down to the rows to blame, while every other
 * row is still written.
 */

export interface BisectOptions {
  /**
   * True when the failure is about the rows' data (a constraint, a value that does not fit), so
   * fewer rows may commit; anything else (a missing table, a lost connection after its retries)
   * is thrown as it is.
   */
  isDataError(error: unknown): boolean;
  /** The database's message for the error of one row (without what the writer wrapped around it). */
  rowMessage(error: unknown): string;
}

/**
 * Writes `rows` with `commit`, which must write all the rows it is given in one transaction or
 * none. When the database refuses them for their data, the rows are split in halves, each
 * committed on its own, recursively down to single rows: the good rows are written (in their
 * order) and each bad row is returned with the database's message for it, `index` into `rows`.
 * k bad rows in n cost about 2·k·log2(n) more transactions; a batch that commits costs nothing.
 */
export async function commitBisecting(
  rows: Row[],
  commit: (rows: Row[]) => Promise<void>,
  options: BisectOptions,
): Promise<RejectedRow[]> {
  const rejected: RejectedRow[] = [];
  /**
   * Commits rows[start, end), splitting on a data error; true when they went in whole.
   * `failing`: they are known to fail together, so only their halves are tried.
   */
  const attempt = async (start: number, end: number, failing: boolean): Promise<boolean> => {
    // A single row is always tried: its own error is what the dead-letter file keeps.
    if (!failing || end - start === 1) {
      try {
        await commit(start === 0 && end === rows.length ? rows : rows.slice(start, end));
        return true;
      } catch (error) {
        if (!options.isDataError(error)) throw error;
        if (end - start === 1) {
          rejected.push({ index: start, error: options.rowMessage(error) });
          return false;
        }
      }
    }
    const middle = start + Math.ceil((end - start) / 2);
    const leftWhole = await attempt(start, middle, false);
    // The whole failed but its left half went in: the fault is in the right half.
    await attempt(middle, end, leftWhole);
    return false;
  };
  if (rows.length > 0) await attempt(0, rows.length, false);
  return rejected;
}

/**
 * Writes rows `sliceSize` per transaction, each slice through `commitBisecting`; returns the
 * rejected rows, `index` into `rows`.
 */
export async function writeSlices(
  rows: Row[],
  sliceSize: number,
  commit: (rows: Row[]) => Promise<void>,
  options: BisectOptions,
): Promise<RejectedRow[]> {
  const rejected: RejectedRow[] = [];
  for (let start = 0; start < rows.length; start += sliceSize) {
    const slice = sliceSize >= rows.length ? rows : rows.slice(start, start + sliceSize);
    const refused = await commitBisecting(slice, commit, options);
    for (const { index, error } of refused) rejected.push({ index: start + index, error });
  }
  return rejected;
}

/** The result an output's `write` resolves with: nothing when every row went in. */
export function writeResult(rejected: RejectedRow[]): WriteResult | undefined {
  return rejected.length > 0 ? { rejected: [...rejected].sort((a, b) => a.index - b.index) } : undefined;
}
