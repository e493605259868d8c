import type { Logger as PinoLogger } from 'pino';
import type { AlertAction, AlertActionResult, AlertRule } from '../../src-shared/api/alert-model';
import type { Execution, StudioEvent } from '../../src-shared/api/model';

/*
 * Carrying out a firing: each action of the rule runs, independently, and says how it went —
 * the history keeps that, so a webhook that was down is there to see.
 */

/** Everything an action may tell about a firing. */
export interface Firing {
  rule: AlertRule;
  job: { id: string; name: string } | null;
  execution: Execution | null;
  title: string;
  message: string;
  fired_at: string;
  test: boolean;
}

/** The JSON a webhook receives. */
export interface WebhookBody {
  rule: { id: string; name: string; condition: AlertRule['condition'] };
  job: { id: string; name: string } | null;
  execution: {
    id: string;
    status: string;
    started_at: string | null;
    finished_at: string | null;
    records_read: number;
    records_written: number;
    records_failed: number;
    error: string | null;
  } | null;
  message: string;
  fired_at: string;
  test: boolean;
}

export interface AlertActionsOptions {
  logger: PinoLogger;
  /** Hands a desktop notification to every client (and, in Electron, the OS). */
  emit: (event: StudioEvent) => void;
  /** How long one webhook call may take (default 5000 ms). */
  webhookTimeoutMs?: number;
  /** Calls per webhook before it counts as failed: transient failures are retried (default 3). */
  webhookAttempts?: number;
  /** Wait before the first retry, doubled each time (default 1000 ms). */
  webhookBackoffMs?: number;
  fetch?: typeof fetch;
}

export function webhookBody(firing: Firing): WebhookBody {
  const { rule, execution } = firing;
  return {
    rule: { id: rule.id, name: rule.name, condition: rule.condition },
    job: firing.job,
    execution: execution && {
      id: execution.id,
      status: execution.status,
      started_at: execution.started_at,
      finished_at: execution.finished_at,
      records_read: execution.records_read,
      records_written: execution.records_written,
      records_failed: execution.records_failed,
      error: execution.error,
    },
    message: firing.message,
    fired_at: firing.fired_at,
    test: firing.test,
  };
}

/** Why a fetch failed, in words (`connect ECONNREFUSED 127.0.0.1:9`, `timed out after 5000 ms`). */
function failureText(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { message?: string } | undefined) : undefined;
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return message || 'request failed';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs each action of the firing's rule and says how each went. */
export function createAlertActions(options: AlertActionsOptions) {
  const { logger } = options;
  const timeoutMs = options.webhookTimeoutMs ?? 5000;
  const attempts = Math.max(1, options.webhookAttempts ?? 3);
  const backoffMs = options.webhookBackoffMs ?? 1000;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function postWebhook(url: string, firing: Firing): Promise<AlertActionResult> {
    const body = JSON.stringify(webhookBody(firing));
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
      try {
        const response = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'FustGo-Studio-Alerts' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
        // The answer's body is not used; reading it frees the connection.
        await response.arrayBuffer().catch(() => undefined);
        const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
        if (response.ok) return { type: 'webhook', ok: true, detail: `${status} from ${url}` };
        last = `${status} from ${url}`;
        // A 4xx will not change on a retry; a 5xx (or 429) may.
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        last = `${url}: ${failureText(error, timeoutMs)}`;
      }
    }
    const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
    return { type: 'webhook', ok: false, detail: `${last}${tries}` };
  }

  async function run(action: AlertAction, firing: Firing): Promise<AlertActionResult> {
    switch (action.type) {
      case 'desktop':
        options.emit({
          type: 'alert_fired',
          rule_id: firing.rule.id,
          rule_name: firing.rule.name,
          job_id: firing.job?.id ?? null,
          execution_id: firing.execution?.id ?? null,
          title: firing.title,
          body: firing.message,
          fired_at: firing.fired_at,
          test: firing.test,
        });
        return { type: 'desktop', ok: true, detail: 'notification shown' };
      case 'webhook':
        return postWebhook(action.url, firing);
      case 'log':
        logger.warn(
          {
            alert_rule: firing.rule.name,
            job_id: firing.job?.id,
            execution_id: firing.execution?.id,
            test: firing.test,
          },
          firing.message,
        );
        return { type: 'log', ok: true, detail: 'written to the app log' };
    }
  }

  return {
    /** Every action of the rule, at once; never throws. */
    async perform(firing: Firing): Promise<AlertActionResult[]> {
      return Promise.all(
        firing.rule.actions.map((action) =>
          run(action, firing).catch((error: unknown): AlertActionResult => ({
            type: action.type,
            ok: false,
            detail: error instanceof Error ? error.message : String(error),
          })),
        ),
      );
    },
  };
}
