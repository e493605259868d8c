import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { qualifiedName } from '../../connectors/shared/sql/introspection';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { ConnectionService } from '../connections/connection-service';
import { componentConfigOf, savedConnectionKinds } from '../connections/connection-types';
import type { Registry } from '../engine/registry';
import { EXAMPLES_ENV } from '../jobs/config-check';
import type { Database } from '../store/database';
import { createJobRepo } from '../store/job-repo';
import { previewJob } from './job-preview';
import { countRows, previewQuery, previewTable } from './preview';
import { isSqlPreviewType, sqlPreviewTarget, SQL_PREVIEW_TYPES, type PreviewTarget } from './preview-target';
import { withoutSecrets } from '../connections/secret-text';

export type PreviewApi = Pick<
  StudioApi,
  'previewTable' | 'previewQuery' | 'previewJob' | 'countRows' | 'listPreviewTables'
>;

export interface PreviewServiceOptions {
  db: Kysely<Database>;
  registry: Registry;
  connections: ConnectionService;
  /** The studio's data dir: job folders are `<dataDir>/jobs/<id>`, and relative SQLite paths of saved connections resolve here. */
  dataDir: string;
  /** Example pipelines' folder, for `${FUSTGO_EXAMPLES}` as job runs see it. */
  examplesDir: string;
}

/** Data preview over saved connections and jobs: the StudioApi's preview routes. */
export function createPreviewService(options: PreviewServiceOptions): { api: PreviewApi } {
  const { connections, registry, dataDir } = options;
  const kinds = savedConnectionKinds(registry);
  const jobs = createJobRepo(options.db);

  /** A saved connection as a preview target; its secrets are resolved here and never leave. */
  const targetOf = async (id: string): Promise<PreviewTarget> => {
    const connection = await connections.api.getConnection({ id });
    const resolved = await connections.resolver.resolve(connection.name);
    if (!resolved) throw new ApiError('not_found', `connection "${id}" not found`);
    const kind = kinds.get(resolved.type);
    if (!kind || !isSqlPreviewType(resolved.type)) {
      throw new ApiError(
        'bad_request',
        `connection "${connection.name}" is a ${resolved.type} connection; previews read ${SQL_PREVIEW_TYPES.join(', ')}`,
      );
    }
    return sqlPreviewTarget(resolved.type, componentConfigOf(kind, resolved.fields), {
      label: connection.name,
      baseDir: dataDir,
      openIntrospector: () => connections.introspector(id),
    });
  };

  const api: PreviewApi = {
    async previewTable({ connection_id, table, limit, mask }) {
      return previewTable(await targetOf(connection_id), table, { limit, mask });
    },
    async previewQuery({ connection_id, sql, limit, mask }) {
      return previewQuery(await targetOf(connection_id), sql, { limit, mask });
    },
    async previewJob({ job_id, side, limit, mask }) {
      const job = await jobs.get(job_id);
      if (!job) throw new ApiError('not_found', `job "${job_id}" not found`);
      return previewJob(
        job,
        side,
        { limit, mask },
        {
          registry,
          connections: connections.resolver,
          baseDir: join(dataDir, 'jobs', job.id),
          env: { ...process.env, [EXAMPLES_ENV]: options.examplesDir },
        },
      );
    },
    async countRows({ connection_id, table, timeout_ms }) {
      return countRows(await targetOf(connection_id), table, { timeoutMs: timeout_ms });
    },
    async listPreviewTables({ connection_id }) {
      const target = await targetOf(connection_id);
      try {
        const introspector = await target.openIntrospector();
        try {
          return (await introspector.listTables()).map((table) => ({
            name: qualifiedName(table),
            kind: table.kind,
            ...(table.rowEstimate !== undefined ? { row_estimate: table.rowEstimate } : {}),
          }));
        } finally {
          await introspector.close().catch(() => undefined);
        }
      } catch (error) {
        if (error instanceof ApiError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new ApiError('bad_request', withoutSecrets(message, target.secrets));
      }
    },
  };
  return { api };
}
