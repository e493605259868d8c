import type { AuditChange } from '../../src-shared/api/audit-model';

/*
 * How the Audit log page words entries: action labels by i18n key, changed values in one line,
 * and a unified diff split into lines the view colours.
 */

/** Every action the studio records, with the i18n key of its label (in the order the filter lists them). */
export const AUDIT_ACTIONS = {
  'job.created': 'admin.audit.action_job_created',
  'job.changed': 'admin.audit.action_job_changed',
  'job.deleted': 'admin.audit.action_job_deleted',
  'job.started': 'admin.audit.action_job_started',
  'job.stopped': 'admin.audit.action_job_stopped',
  'job.paused': 'admin.audit.action_job_paused',
  'job.resumed': 'admin.audit.action_job_resumed',
  'job.retried': 'admin.audit.action_job_retried',
  'job.enabled': 'admin.audit.action_job_enabled',
  'job.disabled': 'admin.audit.action_job_disabled',
  'job.cloned': 'admin.audit.action_job_cloned',
  'connection.created': 'admin.audit.action_connection_created',
  'connection.changed': 'admin.audit.action_connection_changed',
  'connection.deleted': 'admin.audit.action_connection_deleted',
  'settings.changed': 'admin.audit.action_settings_changed',
  'plugin.enabled': 'admin.audit.action_plugin_enabled',
  'plugin.disabled': 'admin.audit.action_plugin_disabled',
  'alert_rule.created': 'admin.audit.action_alert_rule_created',
  'alert_rule.changed': 'admin.audit.action_alert_rule_changed',
  'alert_rule.deleted': 'admin.audit.action_alert_rule_deleted',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isKnownAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, action);
}

/** A changed value in one line: text as is, anything else as compact JSON, nothing as `—`. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** `field: old → new`, or only the field for a secret (whose values are never recorded). */
export function changeText(change: AuditChange, secretWord: string): string {
  if (change.secret) return `${change.field}: ${secretWord}`;
  return `${change.field}: ${valueText(change.from)} → ${valueText(change.to)}`;
}

export type DiffLineKind = 'file' | 'hunk' | 'add' | 'remove' | 'context';

/** A unified diff's lines, each with what it is. */
export function diffLines(diff: string): { kind: DiffLineKind; text: string }[] {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((text) => ({
      text,
      kind:
        text.startsWith('+++') || text.startsWith('---')
          ? 'file'
          : text.startsWith('@@')
            ? 'hunk'
            : text.startsWith('+')
              ? 'add'
              : text.startsWith('-')
                ? 'remove'
                : 'context',
    }));
}

/** The ISO instant a `<input type="date">` day starts at locally; `endOf` gives the next day's start. */
export function dayBoundary(day: string, endOf = false): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (endOf ? 1 : 0));
  return date.toISOString();
}
