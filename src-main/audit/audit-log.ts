import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger as PinoLogger } from 'pino';
import type { StudioApi } from '../../src-shared/api/contract';
import type { AuditDetail, AuditTargetKind } from '../../src-shared/api/audit-model';
import type { StudioEvent } from '../../src-shared/api/model';
import type { AppSettingsSource } from '../../src-shared/config/app-settings';
import type { Database } from '../store/database';
import { auditExportFile } from './audit-export';
import { AuditRepo } from './audit-repo';
import { currentRequestContext } from './request-context';

/** Something to record; who and from where default to the current request (see request-context). */
export interface NewAuditEntry {
  action: string;
  target_kind: AuditTargetKind;
  target_id: string | null;
  target_name: string | null;
  detail?: AuditDetail;
  actor?: string;
  origin?: string;
}

/** Where services write audit entries. */
export interface AuditRecorder {
  /** Stores the entry; a failure is logged, never thrown (the action itself already happened). */
  record(entry: NewAuditEntry): Promise<void>;
}

export interface AuditLog extends AuditRecorder {
  api: Pick<StudioApi, 'listAudit' | 'exportAudit'>;
  /**
   * Feed of the services' events: records runs nobody asked for through the API (`job_state`
   * moves into `queued`/`running` by the scheduler, a trigger or a retry policy).
   */
  handleEvent(event: StudioEvent): void;
  /** Deletes entries older than `retention.audit_days` now, then daily and whenever the setting changes. */
  keepFor(settings: AppSettingsSource): void;
  /** Stops the daily cleanup and waits for entries being written. */
  close(): Promise<void>;
}

export interface AuditLogOptions {
  db: Kysely<Database>;
  logger: PinoLogger;
  /** The name of a job by id (for entries made from events, which carry only the id). */
  jobName?: (id: string) => Promise<string | null>;
  now?: () => Date;
}

/** Who did it when nobody asked through a transport (the studio itself, a test). */
const SYSTEM = { actor: 'system', origin: 'internal' };
const DAY_MS = 24 * 60 * 60 * 1000;

let lastIdTime = 0;
let idSequence = 0;

/** Ids that sort in the order entries were made, so entries of the same millisecond keep their order. */
function sortableId(at: number): string {
  idSequence = at === lastIdTime ? idSequence + 1 : 0;
  lastIdTime = at;
  return `${at.toString(36).padStart(9, '0')}${idSequence.toString(36).padStart(3, '0')}${randomBytes(5).toString('hex')}`;
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { logger } = options;
  const repo = new AuditRepo(options.db);
  const now = options.now ?? (() => new Date());
  const pending = new Set<Promise<void>>();
  let cleanupTimer: NodeJS.Timeout | undefined;
  let unsubscribeSettings: (() => void) | undefined;

  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
    return work;
  };

  const record = (entry: NewAuditEntry): Promise<void> => {
    const context = currentRequestContext() ?? SYSTEM;
    const at = now();
    return track(
      repo
        .insert({
          id: sortableId(at.getTime()),
          at: at.toISOString(),
          actor: entry.actor ?? context.actor,
          origin: entry.origin ?? context.origin,
          action: entry.action,
          target_kind: entry.target_kind,
          target_id: entry.target_id,
          target_name: entry.target_name,
          detail: entry.detail ?? {},
        })
        .catch((error: unknown) =>
          logger.error({ err: error, action: entry.action }, 'could not write the audit log'),
        ),
    );
  };

  const cleanup = (days: number) =>
    track(
      repo
        .deleteBefore(new Date(now().getTime() - days * DAY_MS).toISOString())
        .then((deleted) => {
          if (deleted > 0) logger.info({ deleted, days }, 'old audit log entries deleted');
        })
        .catch((error: unknown) => logger.error({ err: error }, 'could not clean up the audit log')),
    );

  return {
    record,

    api: {
      listAudit: ({ limit, offset, ...filters }) => repo.page(filters, limit, offset),
      async exportAudit({ format, ...filters }) {
        const entries = await repo.all(filters);
        return { ...auditExportFile(entries, format, now()), count: entries.length };
      },
    },

    handleEvent(event) {
      if (event.type !== 'job_state') return;
      // A call the audit decorator records already accounts for the runs it starts.
      const context = currentRequestContext();
      if (context?.audited) return;
      const startsRun = event.to === 'running' || event.to === 'queued';
      // From `queued` or `running` it is the same run going on; from `paused` a resume, which is a call.
      if (!startsRun || event.from === 'queued' || event.from === 'running' || event.from === 'paused')
        return;
      void (async () => {
        const name = options.jobName ? await options.jobName(event.job_id).catch(() => null) : null;
        await record({
          action: 'job.started',
          target_kind: 'job',
          target_id: event.job_id,
          target_name: name,
          actor: event.actor,
          origin: context?.origin ?? 'internal',
          detail: {
            ...(event.execution_id ? { execution_id: event.execution_id } : {}),
            ...(event.reason ? { trigger: event.reason } : {}),
            ...(event.to === 'queued' ? { note: 'queued' } : {}),
          },
        });
      })();
    },

    keepFor(settings) {
      unsubscribeSettings?.();
      clearInterval(cleanupTimer);
      void cleanup(settings.current().retention.audit_days);
      cleanupTimer = setInterval(() => void cleanup(settings.current().retention.audit_days), DAY_MS);
      cleanupTimer.unref();
      unsubscribeSettings = settings.onChange((next, previous) => {
        if (next.retention.audit_days !== previous.retention.audit_days)
          void cleanup(next.retention.audit_days);
      });
    },

    async close() {
      clearInterval(cleanupTimer);
      unsubscribeSettings?.();
      await Promise.all([...pending]);
    },
  };
}
