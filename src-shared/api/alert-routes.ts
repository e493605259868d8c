import { Type as T } from '@sinclair/typebox';
import { AlertFiring, AlertRule, AlertRuleInput } from './alert-model';
import { route } from './route';

const RuleId = T.Object({ id: T.String({ minLength: 1 }) });

/** Alert rules and what they fired. */
export const alertRoutes = {
  listAlertRules: route({
    method: 'GET',
    path: '/alerts/rules',
    input: T.Object({}),
    output: T.Array(AlertRule),
    summary: 'Alert rules, by name',
  }),
  saveAlertRule: route({
    method: 'POST',
    path: '/alerts/rules',
    input: AlertRuleInput,
    output: AlertRule,
    summary: 'Create an alert rule, or replace the one with this id; applies at once',
  }),
  deleteAlertRule: route({
    method: 'DELETE',
    path: '/alerts/rules/:id',
    input: RuleId,
    output: T.Object({ deleted: T.Boolean() }),
    summary: 'Delete an alert rule (its firings stay in the history)',
  }),
  testAlertRule: route({
    method: 'POST',
    path: '/alerts/rules/:id/test',
    input: RuleId,
    output: AlertFiring,
    summary: 'Fire a rule’s actions with a sample message, recorded in the history as a test',
  }),
  listAlertHistory: route({
    method: 'GET',
    path: '/alerts/history',
    input: T.Object({
      rule_id: T.Optional(T.String({ minLength: 1 })),
      limit: T.Optional(T.Integer({ minimum: 1, maximum: 500 })),
    }),
    output: T.Array(AlertFiring),
    summary: 'Alert firings, newest first',
  }),
} as const;
