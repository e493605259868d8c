import type { AppSettings, SettingsPatch } from '../../src-shared/api/settings-model';

/*
 * The Settings page's form model: what the inputs hold (text, as typed), the values and patch
 * they stand for, and what is wrong with them — checked here as the user types, and again by the
 * studio, which has the last word.
 */

export interface SettingsForm {
  log_level: AppSettings['log_level'];
  max_concurrent_jobs: string;
  executions_days: string;
  audit_days: string;
  logs_days: string;
  otlp_endpoint: string;
}

export type SettingsField = keyof SettingsForm;

/** Why a field's text cannot be saved. */
export type FieldProblem = 'integer' | 'url';

export function formOf(values: AppSettings): SettingsForm {
  return {
    log_level: values.log_level,
    max_concurrent_jobs: String(values.worker.max_concurrent_jobs),
    executions_days: String(values.retention.executions_days),
    audit_days: String(values.retention.audit_days),
    logs_days: String(values.retention.logs_days),
    otlp_endpoint: values.telemetry.otlp_endpoint ?? '',
  };
}

function wholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) && Number(text) >= 1 ? Number(text) : null;
}

function httpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function formProblems(form: SettingsForm): Partial<Record<SettingsField, FieldProblem>> {
  const problems: Partial<Record<SettingsField, FieldProblem>> = {};
  for (const field of ['max_concurrent_jobs', 'executions_days', 'audit_days', 'logs_days'] as const) {
    if (wholeNumber(form[field]) === null) problems[field] = 'integer';
  }
  if (form.otlp_endpoint.trim() !== '' && !httpUrl(form.otlp_endpoint)) problems.otlp_endpoint = 'url';
  return problems;
}

/** The settings a valid form stands for. */
function valuesOf(form: SettingsForm): AppSettings {
  return {
    log_level: form.log_level,
    worker: { max_concurrent_jobs: Number(form.max_concurrent_jobs) },
    retention: {
      executions_days: Number(form.executions_days),
      audit_days: Number(form.audit_days),
      logs_days: Number(form.logs_days),
    },
    telemetry: { otlp_endpoint: form.otlp_endpoint.trim() === '' ? null : form.otlp_endpoint.trim() },
  };
}

/** Only what the form changed from `saved`, so a save never overwrites another change to the rest. */
export function patchOf(saved: AppSettings, form: SettingsForm): SettingsPatch {
  const next = valuesOf(form);
  const patch: SettingsPatch = {};
  if (next.log_level !== saved.log_level) patch.log_level = next.log_level;
  if (next.worker.max_concurrent_jobs !== saved.worker.max_concurrent_jobs) patch.worker = next.worker;
  const retention = Object.fromEntries(
    (['executions_days', 'audit_days', 'logs_days'] as const)
      .filter((key) => next.retention[key] !== saved.retention[key])
      .map((key) => [key, next.retention[key]]),
  );
  if (Object.keys(retention).length > 0) patch.retention = retention;
  if (next.telemetry.otlp_endpoint !== saved.telemetry.otlp_endpoint) patch.telemetry = next.telemetry;
  return patch;
}
