import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../../src-shared/api/alert-model';
import { notificationOf } from '../app/notification-store';
import { alertFormProblems, formOfRule, NEW_ALERT_FORM, ruleInputOf } from './alert-form';

const rule: AlertRule = {
  id: 'r1',
  name: 'slow nightly',
  enabled: true,
  job_id: 'j1',
  condition: { kind: 'throughput_below', rows_per_second: 250, minutes: 10 },
  actions: [{ type: 'desktop' }, { type: 'webhook', url: 'https://hooks.example.com/x' }],
  created_at: '',
  updated_at: '',
};

describe('the alert rule editor', () => {
  it('round-trips a rule through the form', () => {
    const form = formOfRule(rule);
    expect(form).toMatchObject({
      kind: 'throughput_below',
      rows_per_second: '250',
      minutes: '10',
      webhook: true,
      log: false,
    });
    expect(ruleInputOf(form, rule.id)).toEqual({
      id: 'r1',
      name: 'slow nightly',
      enabled: true,
      job_id: 'j1',
      condition: rule.condition,
      actions: rule.actions,
    });
    expect(ruleInputOf({ ...NEW_ALERT_FORM, name: ' failed ', log: true })).toEqual({
      name: 'failed',
      enabled: true,
      job_id: null,
      condition: { kind: 'job_failed' },
      actions: [{ type: 'desktop' }, { type: 'log' }],
    });
  });

  it('says what keeps a rule from being saved', () => {
    expect(alertFormProblems({ ...NEW_ALERT_FORM, name: 'x' })).toEqual([]);
    expect(
      alertFormProblems({
        ...NEW_ALERT_FORM,
        kind: 'error_rate_above',
        percent: '120',
        desktop: false,
        webhook: true,
        webhook_url: 'ftp://x',
      }),
    ).toEqual(['name', 'percent', 'webhook_url']);
    expect(
      alertFormProblems({
        ...NEW_ALERT_FORM,
        name: 'x',
        kind: 'run_longer_than',
        minutes: '0',
        desktop: false,
      }),
    ).toEqual(['minutes', 'actions']);
  });

  it('turns a fired alert into a notification naming its rule', () => {
    expect(
      notificationOf(
        {
          type: 'alert_fired',
          rule_id: 'r1',
          rule_name: 'slow nightly',
          job_id: 'j1',
          execution_id: 'e1',
          title: 'FustGo alert: slow nightly',
          body: 'Job "nightly" has moved fewer than 250 rows/s for 10 minutes (now 12 rows/s)',
          fired_at: '2025-03-01T00:00:00.000Z',
          test: false,
        },
        7,
      ),
    ).toEqual({
      key: 'alert:r1:e1',
      level: 'error',
      title: 'admin.alerts.notification',
      detail: 'Job "nightly" has moved fewer than 250 rows/s for 10 minutes (now 12 rows/s)',
      subject: { kind: 'alert_rule', id: 'r1', name: 'slow nightly' },
      at: 7,
    });
  });
});
