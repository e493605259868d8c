import { describe, expect, it } from 'vitest';
import {
  catalogHref,
  changeCounts,
  changeNameKey,
  hasChanges,
  previewHref,
  progressPercent,
} from './catalog-text';

describe('catalog view helpers', () => {
  it('links a table to its data preview and the catalog to a selection', () => {
    expect(previewHref('c-1', 'shop.order items')).toBe('/preview?connection=c-1&table=shop.order+items');
    expect(catalogHref({ table: 't1', column: 'email' })).toBe('/catalog?table=t1&column=email');
    expect(catalogHref({})).toBe('/catalog');
  });

  it('counts changes and progress', () => {
    const changes = {
      databases_added: ['shop'],
      databases_removed: [],
      tables_added: [],
      tables_removed: [],
      tables_altered: [],
      counts: { tables_added: 0, tables_removed: 0, tables_altered: 0, tables_unchanged: 3 },
    };
    expect(changeCounts(null)).toEqual({ added: 0, removed: 0, altered: 0 });
    expect(hasChanges(changes)).toBe(true);
    expect(hasChanges({ ...changes, databases_added: [] })).toBe(false);
    expect(progressPercent({ tables_done: 1, tables_total: 3 })).toBe(33);
    expect(progressPercent({ tables_done: 0, tables_total: null })).toBeNull();
    expect(progressPercent({ tables_done: 0, tables_total: 0 })).toBe(100);
  });

  it('names the properties a scan log reports changed', () => {
    expect(changeNameKey('primary key')).toBe('catalog.change_names.primary_key');
    expect(changeNameKey('toString')).toBeUndefined();
    expect(changeNameKey('collation')).toBeUndefined();
  });
});
