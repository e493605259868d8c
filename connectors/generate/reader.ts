import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { ValueGenerator } from './generators';
import { rowRandom } from './prng';

/** A compiled `generate` column: how to make its value and how often it is null. */
export interface GeneratedColumn {
  column: Column;
  generate: ValueGenerator;
  nullRate: number;
}

export interface GenerateReaderOptions {
  count: number;
  seed: number;
  batchSize: number;
  columns: GeneratedColumn[];
}

/** The contiguous row range [start, end) lane `lane` of `lanes` generates, so sequences stay unique. */
export function laneRange(count: number, lane: number, lanes: number): { start: number; end: number } {
  return { start: Math.floor((count * lane) / lanes), end: Math.floor((count * (lane + 1)) / lanes) };
}

/** Builds one row; its values depend only on the seed and the row's global index. */
export function generateRow(options: GenerateReaderOptions, rowIndex: number): Row {
  const random = rowRandom(options.seed, rowIndex);
  return options.columns.map(({ generate, nullRate }) => {
    // Draw the null decision first, always, so the value stream is stable whatever the rate.
    const isNull = random() < nullRate;
    const value = generate(rowIndex, random);
    return isNull ? null : value;
  });
}

/** Streams lane `lane`'s rows in batches; each batch's checkpoint is `{ lane, offset }` (rows done in the lane). */
export async function* generateLane(
  options: GenerateReaderOptions,
  lane: number,
  lanes: number,
  signal: AbortSignal,
  /** Rows of the lane already written by an earlier run (a resume). */
  skip = 0,
): AsyncIterable<Batch> {
  const columns = options.columns.map((c) => c.column);
  const { start, end } = laneRange(options.count, lane, lanes);
  for (let first = start + skip; first < end; first += options.batchSize) {
    if (signal.aborted) return;
    const last = Math.min(end, first + options.batchSize);
    const rows: Row[] = [];
    for (let i = first; i < last; i++) rows.push(generateRow(options, i));
    yield { columns, rows, checkpoint: { lane, offset: last - start } };
  }
}
