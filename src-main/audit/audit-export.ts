import type { AuditEntry, AuditExportFormat } from '../../src-shared/api/audit-model';

/*
 * The audit log as a file: CSV for spreadsheets (one row per entry, the detail as JSON in its own
 * column), JSON Lines for tools (one entry per line, exactly as the API returns it).
 */

const CSV_COLUMNS = [
  'at',
  'actor',
  'origin',
  'action',
  'target_kind',
  'target_id',
  'target_name',
  'detail',
] as const;

/** RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is defused so spreadsheets never run it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditToCsv(entries: readonly AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const entry of entries) {
    const cells = CSV_COLUMNS.map((column) =>
      column === 'detail' ? JSON.stringify(entry.detail) : (entry[column] ?? ''),
    );
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function auditToJsonLines(entries: readonly AuditEntry[]): string {
  return entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
}

/** The file's name and type and its text. */
export function auditExportFile(
  entries: readonly AuditEntry[],
  format: AuditExportFormat,
  at: Date,
): { file_name: string; content_type: string; content: string } {
  const stamp = at.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return format === 'csv'
    ? { file_name: `fustgo-audit-${stamp}.csv`, content_type: 'text/csv', content: auditToCsv(entries) }
    : {
        file_name: `fustgo-audit-${stamp}.jsonl`,
        content_type: 'application/x-ndjson',
        content: auditToJsonLines(entries),
      };
}
