import type { Kysely } from 'kysely';
import type { Logger as PinoLogger } from 'pino';
import type { StudioApi } from '../../src-shared/api/contract';
import type { ExecutionStatus, StudioEvent } from '../../src-shared/api/model';
import type { PlainEndpoint } from '../server/http-server';
import type { Database } from '../store/database';
import { ACTIVE_STATUSES, loadDashboard, type LiveProgress } from './dashboard';
import { createMetrics, type Metrics } from './metrics';
import { MinuteRing } from './minute-ring';
import { RunDeltas, totalsOf } from './run-deltas';

export interface MonitorServiceOptions {
  db: Kysely<Database>;
  logger: PinoLogger;
  /** The clock; injectable for tests. */
  now?: () => Date;
  /** The process's own metrics in `/metrics` (CPU, memory, event loop); default true. */
  processMetrics?: boolean;
}

export type MonitorApi = Pick<StudioApi, 'getDashboard'>;

/** Metrics and the dashboard, fed by the job service's events. */
export interface MonitorService {
  api: MonitorApi;
  /** `GET /metrics` for Prometheus. */
  endpoints: PlainEndpoint[];
  /** Feed it every event of the job service (`job_status`, `job_progress`). */
  handleEvent(event: StudioEvent): void;
  metrics: Metrics;
}

const ENDED: ReadonlySet<ExecutionStatus> = new Set(['completed', 'failed', 'cancelled', 'paused']);

/**
 * Creates the monitor. Runs already queued or running in the store (queued runs outlive a
 * restart) are counted from the start, so the gauges are right before the first event.
 */
export async function createMonitorService(options: MonitorServiceOptions): Promise<MonitorService> {
  const { db, logger } = options;
  const now = options.now ?? (() => new Date());
  const live = new Map<string, LiveProgress>();
  const ring = new MinuteRing();
  const deltas = new RunDeltas();

  const metrics = createMetrics({
    now: () => now().getTime(),
    ...(options.processMetrics !== undefined ? { processMetrics: options.processMetrics } : {}),
    async jobNames(ids) {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('jobs').select(['id', 'name']).where('id', 'in', ids).execute();
      return new Map(rows.map((row) => [row.id, row.name]));
    },
    async lastCheckpoints(executionIds) {
      const rows = await db
        .selectFrom('checkpoints')
        .select('execution_id')
        .select((eb) => eb.fn.max('updated_at').as('at'))
        .where('execution_id', 'in', executionIds)
        .groupBy('execution_id')
        .execute();
      return new Map(rows.map((row) => [row.execution_id, Date.parse(String(row.at))]));
    },
  });
  const unfinished = await db
    .selectFrom('executions')
    .select(['id', 'job_id', 'status', 'started_at', 'created_at'])
    .where('status', 'in', ACTIVE_STATUSES)
    .execute();
  metrics.seed(unfinished);

  return {
    metrics,

    handleEvent(event) {
      try {
        metrics.handleEvent(event);
        if (event.type === 'job_progress') {
          const delta = deltas.add(event.execution_id, totalsOf(event));
          if (!delta) return;
          ring.add(event.execution_id, now().getTime(), delta);
          const { type: _type, job_id, execution_id: _id, ...progress } = event;
          live.set(event.execution_id, { job_id, progress });
        } else if (event.type === 'job_status' && ENDED.has(event.status)) {
          deltas.end(event.execution_id);
          live.delete(event.execution_id);
        }
      } catch (error) {
        // Monitoring must never break the job service that emits the events.
        logger.error({ err: error, event: event.type }, 'monitor could not take an event');
      }
    },

    api: {
      getDashboard: ({ utc_offset_minutes }) => {
        const at = now();
        return loadDashboard({ db, live, ring }, at, utc_offset_minutes ?? -at.getTimezoneOffset());
      },
    },

    endpoints: [
      {
        method: 'GET',
        url: '/metrics',
        async handle() {
          return { status: 200, contentType: metrics.contentType, body: await metrics.render() };
        },
      },
    ],
  };
}
