import { createCsvFormatter } from '../../connectors/file/csv-format';
import type { DeadLetter } from '../../src-shared/api/dead-letter-model';

/*
 * Dead letters leave the studio as CSV (for a spreadsheet: the row's columns, then where and
 * why it was refused) or as JSON Lines (one dead letter per line, as the run wrote it, with the
 * edit applied and the original beside it). CSV is quoted as the file output writes it (RFC 4180:
 * a field with a comma, quote or line break is quoted, quotes doubled; null is an empty field,
 * an empty text `""`).
 */

/** The extra CSV columns, renamed `dead_letter_<name>` when the row has a column of that name. */
const META_COLUMNS = ['place', 'error', 'time'] as const;

/** The CSV columns: the rows' own, then place, error and time. */
export function csvHeader(columns: string[]): {
  header: string[];
  meta: Record<(typeof META_COLUMNS)[number], string>;
} {
  const taken = new Set(columns);
  const meta = Object.fromEntries(
    META_COLUMNS.map((name) => [name, taken.has(name) ? `dead_letter_${name}` : name]),
  ) as Record<(typeof META_COLUMNS)[number], string>;
  return { header: [...columns, meta.place, meta.error, meta.time], meta };
}

const formatCsv = createCsvFormatter({ delimiter: ',', quote: '"', escape: '"', nullValue: '' });

/** Dead letters as CSV with a header; `columns` orders the row's columns (others are appended). */
export function deadLettersCsv(entries: DeadLetter[], columns: string[]): string {
  const all = [...columns];
  const known = new Set(all);
  for (const { row } of entries)
    for (const name of Object.keys(row))
      if (!known.has(name)) {
        known.add(name);
        all.push(name);
      }
  const { header } = csvHeader(all);
  const rows = entries.map((entry) => [
    ...all.map((name) => entry.row[name] ?? null),
    entry.place,
    entry.error,
    entry.time,
  ]);
  return formatCsv([header, ...rows]);
}

/** Dead letters as JSON Lines: index, time, place, lane, error, row (edited), and the original row when edited. */
export function deadLettersJsonLines(entries: DeadLetter[]): string {
  return entries
    .map((entry) => {
      const line: Record<string, unknown> = {
        index: entry.index,
        time: entry.time,
        place: entry.place,
        lane: entry.lane,
        error: entry.error,
        row: entry.row,
      };
      if (entry.original_row) {
        line.original_row = entry.original_row;
        line.edited_at = entry.edited_at;
      }
      return `${JSON.stringify(line)}\n`;
    })
    .join('');
}
