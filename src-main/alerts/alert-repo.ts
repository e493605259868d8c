import { Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Kysely, Selectable } from 'kysely';
import {
  AlertAction,
  AlertActionResult,
  AlertCondition,
  type AlertFiring,
  type AlertRule,
} from '../../src-shared/api/alert-model';
import type { AlertHistoryTable, AlertRulesTable, Database } from '../store/database';

const Results = T.Array(AlertActionResult);

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A stored rule, or null when its condition is not one this studio knows (written by a newer one). */
function toRule(row: Selectable<AlertRulesTable>): AlertRule | null {
  const condition = parsed(row.condition);
  if (!Value.Check(AlertCondition, condition)) return null;
  const actions = parsed(row.actions);
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    job_id: row.job_id,
    condition,
    // Actions this studio does not know are left out rather than failing the whole rule.
    actions: Array.isArray(actions)
      ? actions.filter((a): a is AlertAction => Value.Check(AlertAction, a))
      : [],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toFiring(row: Selectable<AlertHistoryTable>): AlertFiring {
  const results = parsed(row.results);
  return {
    id: row.id,
    rule_id: row.rule_id,
    rule_name: row.rule_name,
    kind: row.kind,
    job_id: row.job_id,
    job_name: row.job_name,
    execution_id: row.execution_id,
    message: row.message,
    fired_at: row.fired_at,
    test: row.test === 1,
    results: Value.Check(Results, results) ? results : [],
  };
}

/** Alert rules and their firings in the metadata store. */
export class AlertRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async listRules(): Promise<AlertRule[]> {
    const rows = await this.db.selectFrom('alert_rules').selectAll().orderBy('name').execute();
    return rows.map(toRule).filter((rule): rule is AlertRule => rule !== null);
  }

  async ruleByName(name: string): Promise<{ id: string } | undefined> {
    return this.db.selectFrom('alert_rules').select('id').where('name', '=', name).executeTakeFirst();
  }

  async insertRule(rule: AlertRule): Promise<void> {
    await this.db
      .insertInto('alert_rules')
      .values({
        ...rule,
        enabled: rule.enabled ? 1 : 0,
        condition: JSON.stringify(rule.condition),
        actions: JSON.stringify(rule.actions),
      })
      .execute();
  }

  /** Replaces a rule's fields; false when there is no such rule. */
  async updateRule(rule: AlertRule): Promise<boolean> {
    const result = await this.db
      .updateTable('alert_rules')
      .set({
        name: rule.name,
        enabled: rule.enabled ? 1 : 0,
        job_id: rule.job_id,
        condition: JSON.stringify(rule.condition),
        actions: JSON.stringify(rule.actions),
        updated_at: rule.updated_at,
      })
      .where('id', '=', rule.id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteRule(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async insertFiring(firing: AlertFiring): Promise<void> {
    await this.db
      .insertInto('alert_history')
      .values({ ...firing, test: firing.test ? 1 : 0, results: JSON.stringify(firing.results) })
      .execute();
  }

  async history(filters: { rule_id?: string; limit: number }): Promise<AlertFiring[]> {
    let query = this.db.selectFrom('alert_history').selectAll();
    if (filters.rule_id) query = query.where('rule_id', '=', filters.rule_id);
    const rows = await query.orderBy('fired_at', 'desc').orderBy('id', 'desc').limit(filters.limit).execute();
    return rows.map(toFiring);
  }

  /** Deletes firings from before `before` (ISO 8601); returns how many. */
  async deleteHistoryBefore(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('alert_history')
      .where('fired_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
