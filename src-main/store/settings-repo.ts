import type { Kysely } from 'kysely';
import type { Database } from './database';

/**
 * Studio-wide settings, one JSON value per key. Readers check the shape of what they get back:
 * a value written by a newer or older studio may not be what this one expects.
 */
export class SettingsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** The parsed value of `key`; `undefined` when it was never set. */
  async get(key: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  async set(key: string, value: unknown, at = new Date()): Promise<void> {
    const updated = { value: JSON.stringify(value), updated_at: at.toISOString() };
    await this.db
      .insertInto('settings')
      .values({ key, ...updated })
      .onConflict((c) => c.column('key').doUpdateSet(updated))
      .execute();
  }
}
