import { describe, expect, it } from 'vitest';
import { en } from '../../src-shared/i18n/en';
import { AUDIT_ACTIONS, changeText, dayBoundary, diffLines, isKnownAction } from './audit-text';

describe('audit log wording', () => {
  it('has a label for every action the studio records', () => {
    for (const key of Object.values(AUDIT_ACTIONS)) {
      const leaf = key.split('.').pop() as keyof typeof en.admin.audit;
      expect(en.admin.audit[leaf], key).toBeTruthy();
    }
    expect(isKnownAction('job.changed')).toBe(true);
    expect(isKnownAction('toString')).toBe(false);
  });

  it('writes changes in one line, never a secret', () => {
    expect(changeText({ field: 'name', from: 'a', to: 'b' }, 'changed')).toBe('name: a → b');
    expect(changeText({ field: 'config.port', from: null, to: 5433 }, 'changed')).toBe(
      'config.port: — → 5433',
    );
    expect(changeText({ field: 'config.password', secret: true }, 'changed (secret)')).toBe(
      'config.password: changed (secret)',
    );
  });

  it('colours a unified diff by line', () => {
    expect(
      diffLines('--- a/x.yaml\n+++ b/x.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n').map((l) => l.kind),
    ).toEqual(['file', 'file', 'hunk', 'context', 'remove', 'add']);
  });

  it('turns a picked day into the instants it starts and ends at', () => {
    const start = dayBoundary('2025-03-01');
    const end = dayBoundary('2025-03-01', true);
    expect(start && end && Date.parse(end) - Date.parse(start)).toBe(24 * 60 * 60 * 1000);
    expect(dayBoundary('')).toBeUndefined();
  });
});
