import { randomBytes } from 'node:crypto';
import { ApiError } from '../../src-shared/api/errors';
import type { Job } from '../../src-shared/api/model';
import type { RunRequestOutcome } from '../jobs/run-requests';
import type { PlainEndpoint } from '../server/http-server';

/*
 * `POST /hooks/jobs/<token>` starts a run of the job the token belongs to. The token is the only
 * credential, so it is long and random, and the answers never say which jobs exist.
 */

export const WEBHOOK_PATH = '/hooks/jobs/';

/** A new webhook token: 192 random bits, URL-safe. */
export function newWebhookToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The longest `detail` a caller may attach to the run. */
const MAX_DETAIL = 500;

export interface WebhookTarget {
  /** The job whose webhook has this token, while its `job.triggers.webhook` is on. */
  jobByToken(token: string): Promise<Job | undefined>;
  requestRun(job: Job, detail: string): Promise<RunRequestOutcome>;
}

function json(status: number, body: unknown) {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}

function detailOf(body: unknown, ip: string): string {
  const given =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).detail : undefined;
  if (typeof given === 'string' && given.trim() !== '') return given.trim().slice(0, MAX_DETAIL);
  return `webhook call from ${ip}`;
}

/**
 * The endpoint: 202 with the execution (started or queued), 404 for a token no enabled webhook
 * has, 409 with the reason when the job is disabled or the run was skipped (overlap policy).
 */
export function webhookEndpoint(target: WebhookTarget): PlainEndpoint {
  return {
    method: 'POST',
    url: `${WEBHOOK_PATH}:token`,
    async handle({ params, body, ip }) {
      const job = params.token ? await target.jobByToken(params.token) : undefined;
      if (!job) return json(404, new ApiError('not_found', 'no webhook at this address').toBody());
      if (!job.enabled) return json(409, new ApiError('conflict', `job "${job.name}" is disabled`).toBody());
      try {
        const outcome = await target.requestRun(job, detailOf(body, ip));
        if (outcome.outcome === 'skipped')
          return json(409, new ApiError('conflict', outcome.reason).toBody());
        return json(202, {
          outcome: outcome.outcome,
          execution_id: outcome.execution.id,
          status: outcome.execution.status,
        });
      } catch (error) {
        // The job service refused (an invalid config, the studio shutting down): say why, as the API would.
        if (error instanceof ApiError) return json(error.status, error.toBody());
        throw error;
      }
    },
  };
}
