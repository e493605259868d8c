import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { qualifiedName, type Introspector } from '../../connectors/shared/sql/introspection';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { InspectComponentResult } from '../../src-shared/api/inspect-routes';
import type { ConnectionResolver } from '../config';
import { withoutSecrets } from '../connections/secret-text';
import { silentLogger } from '../engine/component';
import type { Registry } from '../engine/registry';
import { EXAMPLES_ENV } from '../jobs/config-check';
import type { Database } from '../store/database';
import { createJobRepo } from '../store/job-repo';
import { inspectableConfig } from './inspect-section';

/*
 * The StudioApi's `inspectComponent`: what the database a node's config points at holds, asked
 * of the database itself over a short-lived connection (the catalog holds only saved
 * connections' databases). The designer's pickers call it while the user edits, so one call is
 * time-boxed: a host that does not answer costs a few seconds, not the driver's own timeout.
 */

export type InspectApi = Pick<StudioApi, 'inspectComponent'>;

/** How long one call may take, connecting included. */
export const INSPECT_TIMEOUT_MS = 5_000;

export interface InspectServiceOptions {
  db: Kysely<Database>;
  registry: Registry;
  /** Saved connections for `connection: { ref }`. */
  connections: ConnectionResolver;
  /** Job folders are `<dataDir>/jobs/<id>`; without a job, relative paths resolve here. */
  dataDir: string;
  /** Example pipelines' folder, for `${FUSTGO_EXAMPLES}` as job runs see it. */
  examplesDir: string;
  /** Default `INSPECT_TIMEOUT_MS`. */
  timeoutMs?: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What the introspector answers, as the API sends it. */
async function inspect(
  introspector: Introspector,
  table: string | undefined,
): Promise<InspectComponentResult> {
  if (table === undefined) {
    const tables = await introspector.listTables();
    return {
      tables: tables.map((t) => ({
        qualified_name: qualifiedName(t),
        kind: t.kind,
        row_estimate: t.rowEstimate === undefined ? null : Math.round(t.rowEstimate),
        comment: t.comment ?? null,
      })),
    };
  }
  const schema = await introspector.describeTable(table);
  return {
    columns: schema.columns.map((c) => {
      const position = schema.primaryKey.indexOf(c.name);
      return {
        name: c.name,
        type: c.type,
        native_type: c.nativeType,
        nullable: c.nullable,
        primary_key_position: position < 0 ? null : position + 1,
        comment: c.comment ?? null,
      };
    }),
  };
}

export function createInspectService(options: InspectServiceOptions): { api: InspectApi } {
  const jobs = createJobRepo(options.db);
  const timeoutMs = options.timeoutMs ?? INSPECT_TIMEOUT_MS;

  const api: InspectApi = {
    async inspectComponent({ kind, type, section, job_id, table }) {
      const spec = options.registry.get(kind, type);
      if (!spec) throw new ApiError('not_found', `no ${kind} component "${type}"`);
      if (!spec.introspect)
        throw new ApiError('bad_request', `the ${type} ${kind} has no database to inspect`);
      const job = job_id === undefined ? undefined : await jobs.get(job_id);
      if (job_id !== undefined && !job) throw new ApiError('not_found', `job "${job_id}" not found`);

      const target = await inspectableConfig(spec, section, {
        env: { ...process.env, [EXAMPLES_ENV]: options.examplesDir },
        connections: options.connections,
      });
      const controller = new AbortController();
      let introspector: Introspector | undefined;
      let timer: NodeJS.Timeout | undefined;
      let late = false;
      try {
        introspector = spec.introspect(target.config, {
          baseDir: job ? join(options.dataDir, 'jobs', job.id) : options.dataDir,
          jobName: job?.name ?? 'inspect',
          logger: silentLogger,
          signal: controller.signal,
        });
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            late = true;
            controller.abort();
            reject(new Error(`no answer within ${timeoutMs / 1000} s`));
          }, timeoutMs);
        });
        return await Promise.race([inspect(introspector, table), deadline]);
      } catch (error) {
        // The driver names host and database or file; a saved connection is named here.
        const message = withoutSecrets(messageOf(error), target.secrets);
        throw new ApiError(
          'bad_request',
          late || target.savedName !== undefined ? `${target.label}: ${message}` : message,
        );
      } finally {
        clearTimeout(timer);
        // A connection still being made is closed once made: the caller does not wait for it.
        const closing = introspector?.close().catch(() => undefined);
        if (!late) await closing;
      }
    },
  };
  return { api };
}
