import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Database } from './database';
import { migrationProvider } from './migrations';

/** An open metadata store: the typed query builder and how to release it. */
export interface Store {
  db: Kysely<Database>;
  close(): Promise<void>;
}

/** Where the store lives: a data dir (file `fustgo.db` in it) or an explicit file (`:memory:` for tests). */
export type StoreLocation = { dataDir: string } | { file: string };

/** File name of the SQLite store inside a data dir. */
export const STORE_FILE = 'fustgo.db';

/**
 * Opens the SQLite store and brings its schema up to date: migrations run at every open
 * (already applied ones are skipped), and a failed migration fails the open.
 */
export async function openStore(location: StoreLocation): Promise<Store> {
  const file = 'file' in location ? location.file : join(location.dataDir, STORE_FILE);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  // Connection settings, not queries: WAL lets readers run beside the writer; SQLite enforces foreign keys only when asked.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, close: () => db.destroy() };
}

/** Applies every pending migration; throws the first failure with the migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
