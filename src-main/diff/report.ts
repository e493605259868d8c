import type { DdlApplyResult, DiffRow, SchemaDiff, TableDiff } from '../../src-shared/api/diff-model';

/*
 * `fustgo diff` as people read it: per table an aligned comparison table, the notes, and a
 * closing line; the DDL as a script to read or pipe into the database's own client.
 */

/** Rows as aligned columns, two spaces apart; the last column is not padded. */
function aligned(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

/** A status as words; `*` marks rows the run would fail on. */
const statusText = (row: DiffRow) => `${row.status.replaceAll('_', ' ')}${row.blocking ? ' *' : ''}`;

function tableLines(table: TableDiff): string[] {
  const lines = [
    `${table.source_table} → ${table.target_table}${table.target_exists ? '' : ' (the table does not exist)'}`,
  ];
  const rows = table.rows.map((row) => [
    row.source?.name ?? '-',
    row.source?.native_type ?? '',
    row.target?.name ?? '-',
    row.target?.native_type ?? '',
    statusText(row),
    row.suggested_type ?? '',
    row.reasons.map((r) => r.text).join('; '),
  ]);
  lines.push(
    ...aligned([['SOURCE', 'TYPE', 'TARGET', 'TYPE', 'STATUS', 'SUGGESTED', 'WHY'], ...rows]).map(
      (l) => `  ${l}`,
    ),
  );
  for (const note of table.notes) lines.push(`  note: ${note.text}`);
  return lines;
}

/** `3 compatible, 1 warning, …`: the statuses that occur, in the diff's order. */
export function countsText(diff: SchemaDiff): string {
  const parts = Object.entries(diff.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status.replaceAll('_', ' ')}`);
  return parts.length > 0 ? parts.join(', ') : 'no columns';
}

/** The closing line: counts, and whether the run can write into the target as it is. */
export function verdictLine(diff: SchemaDiff): string {
  if (!diff.ok) return `${countsText(diff)}: the run would fail as the target is (rows marked *)`;
  const missing = diff.tables.filter((t) => !t.target_exists).length;
  if (missing === 0) return `${countsText(diff)}: the pipeline can write into the target as it is`;
  return `${countsText(diff)}: the run creates the missing table${missing === 1 ? '' : 's'} and can write into ${missing === 1 ? 'it' : 'them'}`;
}

/** The whole comparison, for a terminal. */
export function formatSchemaDiff(diff: SchemaDiff, file: string): string {
  const lines = [`diff ${file}`, `  source  ${diff.source}`, `  target  ${diff.target}`, ''];
  for (const table of diff.tables) lines.push(...tableLines(table), '');
  const statements = diff.tables.reduce((n, t) => n + t.statements.length, 0);
  lines.push(verdictLine(diff));
  if (statements > 0)
    lines.push(
      `${statements} DDL statement${statements === 1 ? '' : 's'} would fit the target: --ddl shows them, --apply runs them`,
    );
  return `${lines.join('\n')}\n`;
}

/** The DDL as a script: `--` comments, then each statement ended by `;`. */
export function formatDdl(diff: SchemaDiff): string {
  const how = diff.transactional_ddl
    ? 'run them in one transaction'
    : `${diff.database} commits each DDL statement on its own`;
  const lines = [`-- schema diff: DDL for ${diff.database} (${diff.target}); ${how}`];
  for (const table of diff.tables) {
    if (table.statements.length === 0 && table.notes.length === 0) continue;
    lines.push('', `-- ${table.source_table} → ${table.target_table}`);
    for (const note of table.notes) lines.push(`-- note: ${note.text}`);
    for (const statement of table.statements) lines.push(`${statement.sql};`);
  }
  if (diff.tables.every((t) => t.statements.length === 0)) lines.push('', '-- nothing to change');
  return `${lines.join('\n')}\n`;
}

/** What applying did, in one line. */
export function appliedLine(result: DdlApplyResult): string {
  const n = result.applied.length;
  return `applied ${n} statement${n === 1 ? '' : 's'} to ${result.database}: ${result.note.text}`;
}
