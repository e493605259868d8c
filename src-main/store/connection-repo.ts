import type { Kysely, Selectable } from 'kysely';
import type { Database, DatasourcesTable } from './database';

/** A saved connection as stored: non-secret fields as an object, secrets still sealed. */
export interface StoredConnection {
  id: string;
  name: string;
  type: string;
  description: string;
  config: Record<string, unknown>;
  /** The sealed JSON object of secret fields, or null. */
  sealedSecrets: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ConnectionChanges = Partial<
  Pick<StoredConnection, 'name' | 'description' | 'config' | 'sealedSecrets'>
>;

function toStored(row: Selectable<DatasourcesTable>): StoredConnection {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    description: row.description,
    config: JSON.parse(row.config) as Record<string, unknown>,
    sealedSecrets: row.secrets,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Saved connections (table `datasources`); sealing secrets is the caller's business. */
export class ConnectionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<StoredConnection[]> {
    const rows = await this.db.selectFrom('datasources').selectAll().orderBy('name').execute();
    return rows.map(toStored);
  }

  async get(id: string): Promise<StoredConnection | undefined> {
    const row = await this.db.selectFrom('datasources').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toStored(row);
  }

  async getByName(name: string): Promise<StoredConnection | undefined> {
    const row = await this.db
      .selectFrom('datasources')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toStored(row);
  }

  async names(): Promise<string[]> {
    const rows = await this.db.selectFrom('datasources').select('name').orderBy('name').execute();
    return rows.map((row) => row.name);
  }

  async insert(
    connection: Omit<StoredConnection, 'createdAt' | 'updatedAt'>,
    now: string,
  ): Promise<StoredConnection> {
    await this.db
      .insertInto('datasources')
      .values({
        id: connection.id,
        name: connection.name,
        type: connection.type,
        description: connection.description,
        config: JSON.stringify(connection.config),
        secrets: connection.sealedSecrets,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return { ...connection, createdAt: now, updatedAt: now };
  }

  /** Returns the changed connection, or undefined when there is none with that id. */
  async update(id: string, changes: ConnectionChanges, now: string): Promise<StoredConnection | undefined> {
    await this.db
      .updateTable('datasources')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.config !== undefined ? { config: JSON.stringify(changes.config) } : {}),
        ...(changes.sealedSecrets !== undefined ? { secrets: changes.sealedSecrets } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('datasources').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
