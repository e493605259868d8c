import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './open-store';
import { SettingsRepo } from './settings-repo';

describe('settings repo', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it('stores one JSON value per key and replaces it', async () => {
    const settings = new SettingsRepo(store.db);
    expect(await settings.get('disabled_components')).toBeUndefined();
    await settings.set('disabled_components', ['processor:filter'], new Date('2025-01-01T00:00:00Z'));
    await settings.set('other', { a: 1 });
    await settings.set('disabled_components', []);
    expect(await settings.get('disabled_components')).toEqual([]);
    expect(await settings.get('other')).toEqual({ a: 1 });
    const rows = await store.db.selectFrom('settings').select(['key', 'updated_at']).orderBy('key').execute();
    expect(rows.map((row) => row.key)).toEqual(['disabled_components', 'other']);
    expect(rows[0].updated_at).not.toBe('2025-01-01T00:00:00.000Z');
  });
});
