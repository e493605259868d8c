import type { AlertCondition, AlertKind, AlertRule, AlertRuleInput } from '../../src-shared/api/alert-model';

/*
 * The alert rule editor's model: the form as typed (numbers as text), the rule it stands for, and
 * what keeps it from being saved.
 */

export const ALERT_KINDS: readonly AlertKind[] = [
  'job_failed',
  'error_rate_above',
  'throughput_below',
  'run_longer_than',
];

export interface AlertForm {
  name: string;
  enabled: boolean;
  /** '' for every job. */
  job_id: string;
  kind: AlertKind;
  percent: string;
  rows_per_second: string;
  minutes: string;
  desktop: boolean;
  log: boolean;
  webhook: boolean;
  webhook_url: string;
}

export type AlertFormProblem = 'name' | 'percent' | 'rows_per_second' | 'minutes' | 'webhook_url' | 'actions';

export const NEW_ALERT_FORM: AlertForm = {
  name: '',
  enabled: true,
  job_id: '',
  kind: 'job_failed',
  percent: '5',
  rows_per_second: '100',
  minutes: '30',
  desktop: true,
  log: false,
  webhook: false,
  webhook_url: '',
};

export function formOfRule(rule: AlertRule): AlertForm {
  const { condition } = rule;
  const webhook = rule.actions.find((action) => action.type === 'webhook');
  return {
    name: rule.name,
    enabled: rule.enabled,
    job_id: rule.job_id ?? '',
    kind: condition.kind,
    percent: condition.kind === 'error_rate_above' ? String(condition.percent) : NEW_ALERT_FORM.percent,
    rows_per_second:
      condition.kind === 'throughput_below'
        ? String(condition.rows_per_second)
        : NEW_ALERT_FORM.rows_per_second,
    minutes:
      condition.kind === 'throughput_below' || condition.kind === 'run_longer_than'
        ? String(condition.minutes)
        : NEW_ALERT_FORM.minutes,
    desktop: rule.actions.some((action) => action.type === 'desktop'),
    log: rule.actions.some((action) => action.type === 'log'),
    webhook: webhook !== undefined,
    webhook_url: webhook?.type === 'webhook' ? webhook.url : '',
  };
}

function positive(text: string, max = Infinity): number | null {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) && value > 0 && value <= max ? value : null;
}

function httpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && !/\s/.test(text.trim());
  } catch {
    return false;
  }
}

export function alertFormProblems(form: AlertForm): AlertFormProblem[] {
  const problems: AlertFormProblem[] = [];
  if (form.name.trim() === '') problems.push('name');
  if (form.kind === 'error_rate_above' && positive(form.percent, 100) === null) problems.push('percent');
  if (form.kind === 'throughput_below' && positive(form.rows_per_second) === null)
    problems.push('rows_per_second');
  if (
    (form.kind === 'throughput_below' && positive(form.minutes, 1440) === null) ||
    (form.kind === 'run_longer_than' && positive(form.minutes, 10080) === null)
  )
    problems.push('minutes');
  if (form.webhook && !httpUrl(form.webhook_url)) problems.push('webhook_url');
  if (!form.desktop && !form.log && !form.webhook) problems.push('actions');
  return problems;
}

function conditionOf(form: AlertForm): AlertCondition {
  switch (form.kind) {
    case 'job_failed':
      return { kind: 'job_failed' };
    case 'error_rate_above':
      return { kind: 'error_rate_above', percent: Number(form.percent) };
    case 'throughput_below':
      return {
        kind: 'throughput_below',
        rows_per_second: Number(form.rows_per_second),
        minutes: Number(form.minutes),
      };
    case 'run_longer_than':
      return { kind: 'run_longer_than', minutes: Number(form.minutes) };
  }
}

/** The rule to save (call only when `alertFormProblems` is empty). */
export function ruleInputOf(form: AlertForm, id?: string): AlertRuleInput {
  return {
    ...(id !== undefined ? { id } : {}),
    name: form.name.trim(),
    enabled: form.enabled,
    job_id: form.job_id === '' ? null : form.job_id,
    condition: conditionOf(form),
    actions: [
      ...(form.desktop ? [{ type: 'desktop' as const }] : []),
      ...(form.webhook ? [{ type: 'webhook' as const, url: form.webhook_url.trim() }] : []),
      ...(form.log ? [{ type: 'log' as const }] : []),
    ],
  };
}
