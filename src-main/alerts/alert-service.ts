import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger as PinoLogger } from 'pino';
import type { AlertFiring, AlertRule } from '../../src-shared/api/alert-model';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { Execution, StudioEvent } from '../../src-shared/api/model';
import type { AppSettingsSource } from '../../src-shared/config/app-settings';
import type { Database } from '../store/database';
import { createAlertActions, type AlertActionsOptions, type Firing } from './alert-actions';
import { AlertEvaluator, type AlertTrigger } from './alert-evaluator';
import { firingMessage, firingTitle, testMessage } from './alert-message';
import { AlertRepo } from './alert-repo';

export interface AlertServiceOptions extends Pick<
  AlertActionsOptions,
  'webhookTimeoutMs' | 'webhookAttempts' | 'webhookBackoffMs' | 'fetch'
> {
  db: Kysely<Database>;
  logger: PinoLogger;
  /** Jobs and executions by id (the API's `getJob` / `getExecution`): firings name them. */
  lookup: Pick<StudioApi, 'getJob' | 'getExecution'>;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
  /** How often slow and long runs are judged (default 5000 ms). */
  tickMs?: number;
  /** See `AlertEvaluatorOptions`. */
  stallMs?: number;
  minRowsForRate?: number;
}

export interface AlertService {
  api: Pick<
    StudioApi,
    'listAlertRules' | 'saveAlertRule' | 'deleteAlertRule' | 'testAlertRule' | 'listAlertHistory'
  >;
  /** Feed of the services' events (`job_status`, `job_progress`). */
  handleEvent(event: StudioEvent): void;
  /** The `alert_fired` events of desktop actions; returns the unsubscribe. */
  onEvent(listener: (event: StudioEvent) => void): () => void;
  /** Deletes firings older than `retention.audit_days` now, then daily. */
  keepFor(settings: AppSettingsSource): void;
  /** Stops the timers and waits for firings in progress (webhooks) to be recorded. */
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Alert rules, their evaluation and their history. Rules are cached in memory (evaluation runs on
 * every progress event) and reloaded whenever one is saved or deleted.
 */
export async function createAlertService(options: AlertServiceOptions): Promise<AlertService> {
  const { logger, lookup } = options;
  const repo = new AlertRepo(options.db);
  const now = options.now ?? (() => Date.now());
  const listeners = new Set<(event: StudioEvent) => void>();
  const pending = new Set<Promise<unknown>>();
  let rules = await repo.listRules();
  let retentionTimer: NodeJS.Timeout | undefined;
  let unsubscribeSettings: (() => void) | undefined;

  const emit = (event: StudioEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error }, 'alert event listener failed');
      }
    }
  };
  const actions = createAlertActions({ ...options, logger, emit });

  const track = <T>(work: Promise<T>): Promise<T> => {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => undefined);
    return work;
  };

  const jobOf = async (id: string | null) => {
    if (id === null) return null;
    const job = await lookup.getJob({ id }).catch(() => null);
    return job && { id: job.id, name: job.name };
  };

  /** Performs the firing's actions and keeps it in the history. */
  const perform = async (firing: Firing): Promise<AlertFiring> => {
    const results = await actions.perform(firing);
    const record: AlertFiring = {
      id: randomUUID(),
      rule_id: firing.rule.id,
      rule_name: firing.rule.name,
      kind: firing.rule.condition.kind,
      job_id: firing.job?.id ?? null,
      job_name: firing.job?.name ?? null,
      execution_id: firing.execution?.id ?? null,
      message: firing.message,
      fired_at: firing.fired_at,
      test: firing.test,
      results,
    };
    await repo.insertFiring(record);
    const failed = results.filter((result) => !result.ok);
    if (failed.length > 0) {
      logger.warn({ alert_rule: firing.rule.name, failed }, 'some actions of an alert failed');
    }
    return record;
  };

  const fire = (trigger: AlertTrigger) =>
    void track(
      (async () => {
        const job = (await jobOf(trigger.job_id)) ?? { id: trigger.job_id, name: trigger.job_id };
        const execution: Execution | null = await lookup
          .getExecution({ id: trigger.execution_id })
          .catch(() => null);
        await perform({
          rule: trigger.rule,
          job,
          execution,
          title: firingTitle(trigger.rule.name, false),
          message: firingMessage(job.name, trigger.cause),
          fired_at: new Date(now()).toISOString(),
          test: false,
        });
      })().catch((error: unknown) =>
        logger.error({ err: error, alert_rule: trigger.rule.name }, 'alert firing failed'),
      ),
    );

  const evaluator = new AlertEvaluator({
    rules: () => rules,
    now,
    fire,
    ...(options.stallMs !== undefined ? { stallMs: options.stallMs } : {}),
    ...(options.minRowsForRate !== undefined ? { minRowsForRate: options.minRowsForRate } : {}),
  });
  const ticker = setInterval(() => evaluator.tick(), options.tickMs ?? 5000);
  ticker.unref();

  const requireRule = (id: string): AlertRule => {
    const rule = rules.find((candidate) => candidate.id === id);
    if (!rule) throw new ApiError('not_found', `alert rule "${id}" not found`);
    return rule;
  };

  const cleanup = (days: number) =>
    track(
      repo
        .deleteHistoryBefore(new Date(now() - days * DAY_MS).toISOString())
        .catch((error: unknown) => logger.error({ err: error }, 'could not clean up the alert history')),
    );

  return {
    api: {
      async listAlertRules() {
        rules = await repo.listRules();
        return rules;
      },

      async saveAlertRule(input) {
        const existing = input.id === undefined ? undefined : requireRule(input.id);
        const sameName = await repo.ruleByName(input.name);
        if (sameName && sameName.id !== input.id) {
          throw new ApiError('conflict', `an alert rule named "${input.name}" already exists`, {
            id: sameName.id,
          });
        }
        if (input.job_id !== null && !(await jobOf(input.job_id))) {
          throw new ApiError('not_found', `job "${input.job_id}" not found`);
        }
        const at = new Date(now()).toISOString();
        const rule: AlertRule = {
          id: existing?.id ?? randomUUID(),
          name: input.name,
          enabled: input.enabled,
          job_id: input.job_id,
          condition: input.condition,
          actions: input.actions,
          created_at: existing?.created_at ?? at,
          updated_at: at,
        };
        if (existing) await repo.updateRule(rule);
        else await repo.insertRule(rule);
        rules = await repo.listRules();
        return rule;
      },

      async deleteAlertRule({ id }) {
        const deleted = await repo.deleteRule(id);
        rules = await repo.listRules();
        return { deleted };
      },

      async testAlertRule({ id }) {
        const rule = requireRule(id);
        const job = await jobOf(rule.job_id);
        return track(
          perform({
            rule,
            job,
            execution: null,
            title: firingTitle(rule.name, true),
            message: testMessage(rule.name, rule.condition, job?.name ?? null),
            fired_at: new Date(now()).toISOString(),
            test: true,
          }),
        );
      },

      listAlertHistory: ({ rule_id, limit }) =>
        repo.history({ ...(rule_id !== undefined ? { rule_id } : {}), limit: limit ?? 100 }),
    },

    handleEvent(event) {
      // A deleted job takes its rules with it (the store cascades); forget them here too.
      if (event.type === 'job_changed' && event.change === 'deleted') {
        void repo.listRules().then(
          (fresh) => (rules = fresh),
          (error: unknown) => logger.error({ err: error }, 'could not reload the alert rules'),
        );
      }
      try {
        evaluator.onEvent(event);
      } catch (error) {
        logger.error({ err: error }, 'alert evaluation failed');
      }
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    keepFor(settings) {
      unsubscribeSettings?.();
      clearInterval(retentionTimer);
      void cleanup(settings.current().retention.audit_days);
      retentionTimer = setInterval(() => void cleanup(settings.current().retention.audit_days), DAY_MS);
      retentionTimer.unref();
      unsubscribeSettings = settings.onChange((next, previous) => {
        if (next.retention.audit_days !== previous.retention.audit_days)
          void cleanup(next.retention.audit_days);
      });
    },

    async close() {
      clearInterval(ticker);
      clearInterval(retentionTimer);
      unsubscribeSettings?.();
      await Promise.allSettled([...pending]);
    },
  };
}
