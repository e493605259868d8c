import { resolveConfigPath } from '../../connectors/shared/resolve-path';
import type { SqlConnection } from '../../connectors/shared/sql/config';
import type { Introspector } from '../../connectors/shared/sql/introspection';
import { openMysqlSession } from './sessions/mysql-session';
import { openPostgresSession } from './sessions/postgres-session';
import type { PreviewSession } from './sessions/session';
import { openSqliteSession } from './sessions/sqlite-session';

/** The connectors a preview reads with a read-only session and a LIMIT pushed into the database. */
export const SQL_PREVIEW_TYPES = ['postgresql', 'mysql', 'sqlite'] as const;
export type SqlPreviewType = (typeof SQL_PREVIEW_TYPES)[number];

export function isSqlPreviewType(type: string): type is SqlPreviewType {
  return (SQL_PREVIEW_TYPES as readonly string[]).includes(type);
}

/** A database a preview reads: how to open a read-only session on it and its catalog. */
export interface PreviewTarget {
  type: SqlPreviewType;
  /** What the preview's source is called: the saved connection's name, or `job orders input`. */
  label: string;
  /** Values that must never appear in what a preview says (passwords a driver might echo). */
  secrets: string[];
  openSession(): Promise<PreviewSession>;
  /** The catalog of the same database, for native types, row estimates and table lists; the caller closes it. */
  openIntrospector(): Promise<Introspector>;
}

export interface TargetOptions {
  label: string;
  /** Where a relative SQLite path resolves. */
  baseDir: string;
  openIntrospector(): Promise<Introspector>;
}

/**
 * The target of a SQL component's config as its connector reads it: `connection` for a server
 * (`postgresql`, `mysql`), `path` for a SQLite file (relative to `baseDir`).
 */
export function sqlPreviewTarget(
  type: SqlPreviewType,
  config: Record<string, unknown>,
  options: TargetOptions,
): PreviewTarget {
  const base = { type, label: options.label, openIntrospector: options.openIntrospector };
  if (type === 'sqlite') {
    const file = resolveConfigPath(options.baseDir, String(config.path));
    return { ...base, secrets: [], openSession: async () => openSqliteSession(file) };
  }
  const connection = config.connection as SqlConnection;
  const secrets = typeof connection.password === 'string' ? [connection.password] : [];
  const open = type === 'postgresql' ? openPostgresSession : openMysqlSession;
  return { ...base, secrets, openSession: () => open(connection) };
}
