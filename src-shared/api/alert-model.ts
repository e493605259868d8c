import { Type as T, type Static } from '@sinclair/typebox';

/*
 * Alert rules: when a run fails, fails too many rows, crawls, or takes too long, tell someone —
 * a desktop notification, a webhook, a line in the app log. Every firing is kept in the history.
 */

const closed = { additionalProperties: false } as const;

/** When a rule fires; each fires at most once per execution. */
export const AlertCondition = T.Union([
  T.Object({ kind: T.Literal('job_failed') }, closed),
  /** More than `percent` % of the rows a run read failed (checked as it runs, from 1000 rows on, and at its end). */
  T.Object({ kind: T.Literal('error_rate_above'), percent: T.Number({ minimum: 0, maximum: 100 }) }, closed),
  /** A running run moved fewer than `rows_per_second` rows/s for `minutes` minutes on end. */
  T.Object(
    {
      kind: T.Literal('throughput_below'),
      rows_per_second: T.Number({ exclusiveMinimum: 0 }),
      minutes: T.Number({ exclusiveMinimum: 0, maximum: 1440 }),
    },
    closed,
  ),
  /** A run is still running `minutes` minutes after it started. */
  T.Object(
    { kind: T.Literal('run_longer_than'), minutes: T.Number({ exclusiveMinimum: 0, maximum: 10080 }) },
    closed,
  ),
]);
export type AlertCondition = Static<typeof AlertCondition>;
export type AlertKind = AlertCondition['kind'];

/** What a firing does. */
export const AlertAction = T.Union([
  /** A notification in the studio and, on the desktop, the operating system's own. */
  T.Object({ type: T.Literal('desktop') }, closed),
  /** An HTTP POST of `{ rule, job, execution, message, fired_at, test }` as JSON. */
  T.Object(
    { type: T.Literal('webhook'), url: T.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }) },
    closed,
  ),
  /** A warning in the app log. */
  T.Object({ type: T.Literal('log') }, closed),
]);
export type AlertAction = Static<typeof AlertAction>;
export type AlertActionType = AlertAction['type'];

const RuleFields = {
  name: T.String({ minLength: 1, maxLength: 200 }),
  enabled: T.Boolean(),
  /** The one job the rule watches; null: every job. */
  job_id: T.Union([T.String({ minLength: 1 }), T.Null()]),
  condition: AlertCondition,
  actions: T.Array(AlertAction, { minItems: 1, maxItems: 10 }),
};

export const AlertRule = T.Object({
  id: T.String(),
  ...RuleFields,
  created_at: T.String(),
  updated_at: T.String(),
});
export type AlertRule = Static<typeof AlertRule>;

/** A rule to create (no id) or to replace (its id). */
export const AlertRuleInput = T.Object({ id: T.Optional(T.String({ minLength: 1 })), ...RuleFields });
export type AlertRuleInput = Static<typeof AlertRuleInput>;

/** How one action of a firing went. */
export const AlertActionResult = T.Object({
  type: T.Union([T.Literal('desktop'), T.Literal('webhook'), T.Literal('log')]),
  ok: T.Boolean(),
  /** `HTTP 200 from https://…`, `timed out after 5000 ms`, … */
  detail: T.String(),
});
export type AlertActionResult = Static<typeof AlertActionResult>;

/** One firing of a rule, as the history keeps it. */
export const AlertFiring = T.Object({
  id: T.String(),
  /** Null once the rule is deleted (its name stays). */
  rule_id: T.Union([T.String(), T.Null()]),
  rule_name: T.String(),
  kind: T.String(),
  job_id: T.Union([T.String(), T.Null()]),
  job_name: T.Union([T.String(), T.Null()]),
  execution_id: T.Union([T.String(), T.Null()]),
  message: T.String(),
  fired_at: T.String(),
  /** Fired by the test button, not by a run. */
  test: T.Boolean(),
  results: T.Array(AlertActionResult),
});
export type AlertFiring = Static<typeof AlertFiring>;
