import { SAMPLE_VALUES, type ColumnStats } from '../../src-shared/api/preview-model';

/**
 * Statistics of one column over the preview's rows (already JSON-safe, and masked where asked,
 * so a masked column's statistics say nothing its values do not): NULLs, distinct values, and
 * the first few distinct values. Values are compared by their JSON, so `1` and `"1"` differ
 * and JSON objects compare by content.
 */
export function columnStats(rows: unknown[][], index: number): ColumnStats {
  let nulls = 0;
  const seen = new Set<string>();
  const samples: unknown[] = [];
  for (const row of rows) {
    const value = row[index];
    if (value === null || value === undefined) {
      nulls++;
      continue;
    }
    const key = JSON.stringify(value);
    if (seen.has(key)) continue;
    seen.add(key);
    if (samples.length < SAMPLE_VALUES) samples.push(value);
  }
  return {
    nulls,
    null_ratio: rows.length === 0 ? 0 : nulls / rows.length,
    distinct: seen.size,
    samples,
  };
}
