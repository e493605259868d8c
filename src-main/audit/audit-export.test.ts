import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/api/audit-model';
import { auditExportFile, auditToCsv, auditToJsonLines } from './audit-export';

const entry: AuditEntry = {
  id: '1',
  at: '2025-03-01T10:00:00.000Z',
  actor: 'ann',
  origin: '10.0.0.7',
  action: 'job.changed',
  target_kind: 'job',
  target_id: 'j1',
  target_name: '=HYPERLINK("x")',
  detail: { diff: '--- a\n+++ b\n', changes: [{ field: 'name', from: 'a, b', to: 'c' }] },
};

describe('audit export', () => {
  it('writes CSV a spreadsheet reads safely: quoted fields, formulas defused', () => {
    const csv = auditToCsv([entry]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('at,actor,origin,action,target_kind,target_id,target_name,detail');
    expect(
      row.startsWith('2025-03-01T10:00:00.000Z,ann,10.0.0.7,job.changed,job,j1,"\'=HYPERLINK(""x"")",'),
    ).toBe(true);
    expect(csv).toContain('\\n+++ b\\n'); // the diff stays inside its JSON cell
  });

  it('writes JSON Lines as the API returns entries', () => {
    const lines = auditToJsonLines([entry, { ...entry, id: '2' }])
      .trimEnd()
      .split('\n');
    expect(lines.map((line) => (JSON.parse(line) as AuditEntry).id)).toEqual(['1', '2']);
  });

  it('names the file after the time', () => {
    const file = auditExportFile([entry], 'jsonl', new Date('2025-03-02T08:09:10Z'));
    expect(file.file_name).toBe('fustgo-audit-2025-03-02-08-09-10.jsonl');
    expect(file.content_type).toBe('application/x-ndjson');
  });
});
