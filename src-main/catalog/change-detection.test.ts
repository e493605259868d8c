import { describe, expect, it } from 'vitest';
import { readReason, type ChangeEvidence } from './change-detection';
import { ScanChangeCollector } from './scan-changes';

const described = { signature: 'sig-1', structureHash: 'hash-1', removedAt: null };

describe('which tables an incremental scan reads again', () => {
  const read = (evidence: Partial<ChangeEvidence>) => readReason({ mode: 'incremental', ...evidence });

  it('reads every table in a full scan', () => {
    expect(readReason({ mode: 'full', stored: described, marker: { signature: 'sig-1' } })).toBe('full scan');
  });

  it('reads new tables, tables seen again after being removed, and tables never described', () => {
    expect(read({ marker: { signature: 'sig-1' } })).toBe('new');
    expect(read({ stored: { ...described, removedAt: '2025-01-01T00:00:00Z' } })).toBe('new');
    expect(read({ stored: { ...described, structureHash: null }, marker: { signature: 'sig-1' } })).toBe(
      'never described',
    );
  });

  it('reads a table whose marker changed or that has none, and skips one whose marker is the same', () => {
    expect(read({ stored: described, marker: { signature: 'sig-2' } })).toBe('marker changed');
    expect(read({ stored: described })).toBe('no marker');
    expect(read({ stored: described, marker: { signature: 'sig-1' } })).toBeUndefined();
  });

  it('reads a table changed within the second the previous scan read the markers (whole-second times)', () => {
    const marker = { signature: 'sig-1', changedAt: '2025-03-01T10:00:05Z' };
    expect(read({ stored: described, marker, previousAsOf: '2025-03-01T10:00:05Z' })).toBe(
      'changed since last scan',
    );
    expect(read({ stored: described, marker, previousAsOf: '2025-03-01T10:00:06Z' })).toBeUndefined();
    expect(read({ stored: described, marker, previousAsOf: null })).toBeUndefined();
  });
});

describe('what a scan reports as changed', () => {
  const change = (table: string) => ({
    table,
    columns_added: ['x'],
    columns_removed: [],
    columns_altered: [],
    changed: [],
  });

  it('reports a table added in the scan as added only, and keeps changes across attempts', () => {
    const changes = new ScanChangeCollector();
    changes.tableAdded('shop.returns');
    changes.tableAltered(change('shop.returns'));
    changes.tableAltered(change('shop.orders'));
    changes.tablesUnchanged(5);
    changes.startAttempt(); // a retry finds the stored tables unchanged
    changes.tablesUnchanged(7);
    expect(changes.summary()).toMatchObject({
      tables_added: ['shop.returns'],
      tables_altered: [change('shop.orders')],
      counts: { tables_added: 1, tables_removed: 0, tables_altered: 1, tables_unchanged: 7 },
    });
  });

  it('cuts long name lists and keeps the counts whole', () => {
    const changes = new ScanChangeCollector();
    for (let i = 0; i < 250; i++) changes.tableAdded(`t${i}`);
    const summary = changes.summary();
    expect(summary.tables_added).toHaveLength(200);
    expect(summary.counts.tables_added).toBe(250);
  });
});
