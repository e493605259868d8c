import { Type as T, type Static } from '@sinclair/typebox';

/*
 * The audit log: who did what to which job, connection, setting or plugin, when, and from where.
 */

/** What an entry is about. */
export const AuditTargetKind = T.Union([
  T.Literal('job'),
  T.Literal('connection'),
  T.Literal('settings'),
  T.Literal('plugin'),
  T.Literal('alert_rule'),
]);
export type AuditTargetKind = Static<typeof AuditTargetKind>;

/** One changed field: its old and new value, or only that it changed for a secret. */
export const AuditChange = T.Object({
  field: T.String(),
  from: T.Optional(T.Unknown()),
  to: T.Optional(T.Unknown()),
  /** A secret (a password): that it changed is recorded, never its value. */
  secret: T.Optional(T.Boolean()),
});
export type AuditChange = Static<typeof AuditChange>;

/** What else is known about an action; which fields are set depends on the action. */
export const AuditDetail = T.Object({
  /** A job's config change as a unified diff of its YAML (secret values masked). */
  diff: T.Optional(T.String()),
  changes: T.Optional(T.Array(AuditChange)),
  execution_id: T.Optional(T.String()),
  /** What started a run (`schedule`, `retry`, …) or a state change's reason. */
  trigger: T.Optional(T.String()),
  note: T.Optional(T.String()),
  /** The job a clone was made from. */
  source_id: T.Optional(T.String()),
});
export type AuditDetail = Static<typeof AuditDetail>;

export const AuditEntry = T.Object({
  id: T.String(),
  at: T.String({ description: 'ISO 8601' }),
  /** Who: a user name (desktop OS user, the `x-fustgo-user` header), `api`, `scheduler`, `settings.yaml`, … */
  actor: T.String(),
  /** From where: `desktop`, the HTTP client's address, `file`, or `internal` for the studio itself. */
  origin: T.String(),
  /** `job.created`, `job.changed`, `job.started`, `connection.deleted`, `settings.changed`, … */
  action: T.String(),
  target_kind: AuditTargetKind,
  target_id: T.Union([T.String(), T.Null()]),
  /** The target's name when the action happened (a deleted job keeps it here). */
  target_name: T.Union([T.String(), T.Null()]),
  detail: AuditDetail,
});
export type AuditEntry = Static<typeof AuditEntry>;

/** Which entries: every filter narrows; `q` looks in actor, origin, action, target and detail. */
export const AuditFilters = {
  q: T.Optional(T.String({ maxLength: 200 })),
  action: T.Optional(T.String({ maxLength: 100 })),
  target_id: T.Optional(T.String({ maxLength: 200 })),
  /** ISO 8601 instants, `from` included, `to` excluded. */
  from: T.Optional(T.String({ format: 'date-time' })),
  to: T.Optional(T.String({ format: 'date-time' })),
};

export const AuditPage = T.Object({
  entries: T.Array(AuditEntry),
  /** Entries matching the filters, of which `entries` is one page, newest first. */
  total: T.Integer(),
});
export type AuditPage = Static<typeof AuditPage>;

export const AuditExportFormat = T.Union([T.Literal('csv'), T.Literal('jsonl')]);
export type AuditExportFormat = Static<typeof AuditExportFormat>;

/** A file to save: every matching entry, oldest first. */
export const AuditExport = T.Object({
  file_name: T.String(),
  content_type: T.String(),
  content: T.String(),
  count: T.Integer(),
});
export type AuditExport = Static<typeof AuditExport>;
