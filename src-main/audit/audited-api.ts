import type { AuditChange, AuditDetail } from '../../src-shared/api/audit-model';
import type { AuditRecorder, NewAuditEntry } from './audit-log';
import { currentRequestContext, runWithRequestContext } from './request-context';
import { yamlChange } from './yaml-diff';

/*
 * The audit log's view of the API: one decorator around the whole StudioApi records every call
 * that changes something — after it succeeded, with who and from where (the request context).
 * Routes are matched by name, so a route another part of the studio adds later (`pauseJob`,
 * `cloneJob`, …) is recorded as soon as it exists, and the services themselves know nothing of it.
 */

type Call = (input: unknown) => Promise<unknown>;
type Calls = Record<string, Call>;
type Fields = Record<string, unknown>;

/** How one route is recorded: what to read before the call, and the entry its outcome makes. */
interface RouteAudit {
  before?(calls: Calls, input: Fields): Promise<unknown>;
  entry(input: Fields, output: unknown, before: unknown): NewAuditEntry | null;
}

function fields(value: unknown): Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Reads something through the API, or null when it is not there (the call itself will say why). */
async function read(calls: Calls, name: string, input: Fields): Promise<Fields | null> {
  const call = calls[name];
  if (!call) return null;
  try {
    return fields(await call(input));
  } catch {
    return null;
  }
}

const jobBefore = (calls: Calls, input: Fields) => read(calls, 'getJob', { id: input.id });

/** The execution an action started or touched, from whatever the route returned. */
function executionOf(output: unknown): string | undefined {
  const out = fields(output);
  if (typeof out.id === 'string' && typeof out.job_id === 'string') return out.id;
  const nested = fields(out.execution);
  return typeof nested.id === 'string' ? nested.id : undefined;
}

/** A job action that names the job and, when there is one, its execution. */
function jobAction(action: string, when: (output: Fields) => boolean = () => true): RouteAudit {
  return {
    before: jobBefore,
    entry(input, output, before) {
      if (!when(fields(output))) return null;
      const execution_id = executionOf(output);
      return {
        action,
        target_kind: 'job',
        target_id: text(input.id),
        target_name: text(fields(before).name),
        detail: execution_id ? { execution_id } : {},
      };
    },
  };
}

function valueChanges(before: Fields, after: Fields, names: readonly string[]): AuditChange[] {
  return names.flatMap((field) =>
    field in after && JSON.stringify(before[field]) !== JSON.stringify(after[field])
      ? [{ field, from: before[field] ?? null, to: after[field] ?? null }]
      : [],
  );
}

function jobChanged(input: Fields, output: unknown, before: unknown): NewAuditEntry | null {
  const old = fields(before);
  const job = fields(output);
  const changes = valueChanges(old, job, ['name', 'description']);
  const detail: AuditDetail = {};
  if (typeof input.config_yaml === 'string') {
    const change = yamlChange(
      text(old.config_yaml) ?? '',
      text(job.config_yaml) ?? input.config_yaml,
      text(old.name) ?? 'job',
      text(job.name) ?? text(old.name) ?? 'job',
    );
    if (change?.diff) detail.diff = change.diff;
    if (change?.secretChanged) changes.push({ field: 'config_yaml', secret: true });
  }
  // Moving nodes in the designer changes only the layout: not worth an entry.
  if (changes.length === 0 && detail.diff === undefined) return null;
  if (changes.length > 0) detail.changes = changes;
  return {
    action: 'job.changed',
    target_kind: 'job',
    target_id: text(input.id),
    target_name: text(job.name) ?? text(old.name),
    detail,
  };
}

/** A connection's changed fields: values of the plain ones, only the names of secrets. */
function connectionChanged(input: Fields, output: unknown, before: unknown): NewAuditEntry | null {
  const old = fields(before);
  const now = fields(output);
  const changes = valueChanges(old, now, ['name', 'description']);
  const oldConfig = fields(old.config);
  const newConfig = fields(now.config);
  for (const key of new Set([...Object.keys(oldConfig), ...Object.keys(newConfig)])) {
    if (JSON.stringify(oldConfig[key]) !== JSON.stringify(newConfig[key]))
      changes.push({ field: `config.${key}`, from: oldConfig[key] ?? null, to: newConfig[key] ?? null });
  }
  // Fields sent but never returned are secrets: record that they were set, never what to.
  for (const key of Object.keys(fields(input.config))) {
    if (!(key in newConfig)) changes.push({ field: `config.${key}`, secret: true });
  }
  if (changes.length === 0) return null;
  return {
    action: 'connection.changed',
    target_kind: 'connection',
    target_id: text(input.id),
    target_name: text(now.name) ?? text(old.name),
    detail: { changes },
  };
}

function ruleBefore(calls: Calls, input: Fields): Promise<Fields | null> {
  if (typeof input.id !== 'string') return Promise.resolve(null);
  return (calls.listAlertRules?.({}) ?? Promise.resolve([])).then(
    (rules) => (Array.isArray(rules) ? fields(rules.find((rule) => fields(rule).id === input.id)) : null),
    () => null,
  );
}

const ROUTES: Record<string, RouteAudit> = {
  createJob: {
    entry: (_input, output) => ({
      action: 'job.created',
      target_kind: 'job',
      target_id: text(fields(output).id),
      target_name: text(fields(output).name),
    }),
  },
  updateJob: { before: jobBefore, entry: jobChanged },
  deleteJob: jobAction('job.deleted', (output) => output.deleted === true),
  startJob: jobAction('job.started'),
  stopJob: jobAction('job.stopped', (output) => output.stopped !== false),
  pauseJob: jobAction('job.paused', (output) => output.paused !== false),
  resumeJob: jobAction('job.resumed'),
  retryJob: jobAction('job.retried'),
  setJobEnabled: {
    before: jobBefore,
    entry: (input, _output, before) => ({
      action: input.enabled === false ? 'job.disabled' : 'job.enabled',
      target_kind: 'job',
      target_id: text(input.id),
      target_name: text(fields(before).name),
    }),
  },
  cloneJob: {
    before: jobBefore,
    entry: (input, output, before) => ({
      action: 'job.cloned',
      target_kind: 'job',
      target_id: text(fields(output).id),
      target_name: text(fields(output).name),
      detail: {
        ...(typeof input.id === 'string' ? { source_id: input.id } : {}),
        ...(typeof fields(before).name === 'string'
          ? { note: `cloned from "${String(fields(before).name)}"` }
          : {}),
      },
    }),
  },
  createConnection: {
    entry: (_input, output) => ({
      action: 'connection.created',
      target_kind: 'connection',
      target_id: text(fields(output).id),
      target_name: text(fields(output).name),
      detail: { note: String(fields(output).type ?? '') },
    }),
  },
  updateConnection: {
    before: (calls, input) => read(calls, 'getConnection', { id: input.id }),
    entry: connectionChanged,
  },
  deleteConnection: {
    before: (calls, input) => read(calls, 'getConnection', { id: input.id }),
    entry: (input, output, before) =>
      fields(output).deleted === true
        ? {
            action: 'connection.deleted',
            target_kind: 'connection',
            target_id: text(input.id),
            target_name: text(fields(before).name),
          }
        : null,
  },
  setPluginEnabled: {
    entry: (input, output) => ({
      action: input.enabled === false ? 'plugin.disabled' : 'plugin.enabled',
      target_kind: 'plugin',
      target_id: `${String(input.kind)}:${String(input.name)}`,
      target_name: text(fields(output).title) ?? text(input.name),
    }),
  },
  saveAlertRule: {
    before: ruleBefore,
    entry: (input, output, before) => {
      const rule = fields(output);
      const old = before === null ? null : fields(before);
      const changes = old
        ? valueChanges(old, rule, ['name', 'enabled', 'job_id', 'condition', 'actions'])
        : [];
      if (old && changes.length === 0) return null;
      return {
        action: old ? 'alert_rule.changed' : 'alert_rule.created',
        target_kind: 'alert_rule',
        target_id: text(rule.id),
        target_name: text(rule.name),
        detail: changes.length > 0 ? { changes } : {},
      };
    },
  },
  deleteAlertRule: {
    before: ruleBefore,
    entry: (input, output, before) =>
      fields(output).deleted === true
        ? {
            action: 'alert_rule.deleted',
            target_kind: 'alert_rule',
            target_id: text(input.id),
            target_name: text(fields(before).name),
          }
        : null,
  },
};

/** Route names the decorator records (those the API has). */
export const AUDITED_ROUTES = Object.keys(ROUTES);

/**
 * `api` with every changing call recorded in the audit log after it succeeds. Reads go straight
 * through; a failed call records nothing (nothing changed).
 */
export function auditedApi<A extends object>(api: A, audit: AuditRecorder): A {
  const calls = api as unknown as Calls;
  const wrapped: Calls = {};
  for (const [name, routeAudit] of Object.entries(ROUTES)) {
    const call = calls[name];
    if (typeof call !== 'function') continue;
    wrapped[name] = (input: unknown) => {
      const context = {
        ...(currentRequestContext() ?? { actor: 'system', origin: 'internal' }),
        audited: true,
      };
      return runWithRequestContext(context, async () => {
        const given = fields(input);
        const before = routeAudit.before ? await routeAudit.before(calls, given) : null;
        const output = await call(input);
        const entry = routeAudit.entry(given, output, before);
        if (entry) await audit.record(entry);
        return output;
      });
    };
  }
  return { ...api, ...wrapped } as A;
}
