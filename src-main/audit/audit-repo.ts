import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { AuditDetail, AuditEntry, AuditTargetKind } from '../../src-shared/api/audit-model';
import type { AuditLogTable, Database } from '../store/database';

/** Which entries (every field narrows); `q` is a case-insensitive substring. */
export interface AuditQuery {
  q?: string;
  action?: string;
  target_id?: string;
  from?: string;
  to?: string;
}

const TARGET_KINDS: readonly AuditTargetKind[] = ['job', 'connection', 'settings', 'plugin', 'alert_rule'];

function parseDetail(text: string): AuditDetail {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as AuditDetail) : {};
  } catch {
    return {};
  }
}

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    origin: row.origin,
    action: row.action,
    // A kind written by a newer studio reads as the closest thing this one knows.
    target_kind: (TARGET_KINDS as readonly string[]).includes(row.target_kind)
      ? (row.target_kind as AuditTargetKind)
      : 'settings',
    target_id: row.target_id,
    target_name: row.target_name,
    detail: parseDetail(row.detail),
  };
}

/** `%` and `_` in what the user typed are literal text, not wildcards. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

type AuditSelect = SelectQueryBuilder<Database, 'audit_log', object>;

function filtered(query: AuditSelect, filters: AuditQuery): AuditSelect {
  let q = query;
  if (filters.action) q = q.where('action', '=', filters.action);
  if (filters.target_id) q = q.where('target_id', '=', filters.target_id);
  // Stored times are ISO 8601 in UTC, so text order is time order; normalise what was asked.
  if (filters.from) q = q.where('at', '>=', new Date(filters.from).toISOString());
  if (filters.to) q = q.where('at', '<', new Date(filters.to).toISOString());
  if (filters.q?.trim()) {
    const pattern = likePattern(filters.q.trim());
    q = q.where((eb) =>
      eb.or(
        (['actor', 'origin', 'action', 'target_name', 'target_id', 'detail'] as const).map(
          (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  return q;
}

/** The audit log table: append, page through, read all for export, delete what is too old. */
export class AuditRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ ...entry, detail: JSON.stringify(entry.detail) })
      .execute();
  }

  async page(
    filters: AuditQuery,
    limit: number,
    offset: number,
  ): Promise<{ entries: AuditEntry[]; total: number }> {
    const base = filtered(this.db.selectFrom('audit_log'), filters);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { entries: rows.map(toEntry), total: Number(count.n) };
  }

  /** Every matching entry, oldest first (an export reads as a log). */
  async all(filters: AuditQuery): Promise<AuditEntry[]> {
    const rows = await filtered(this.db.selectFrom('audit_log'), filters)
      .selectAll()
      .orderBy('at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(toEntry);
  }

  /** Deletes entries from before `before` (ISO 8601); returns how many. */
  async deleteBefore(before: string): Promise<number> {
    const result = await this.db.deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
