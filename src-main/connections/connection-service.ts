import { randomUUID } from 'node:crypto';
import type { TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { parse as parseYaml } from 'yaml';
import type { Introspector } from '../../connectors/shared/sql/introspection';
import { checkAgainst } from '../config/component-fields';
import {
  connectionRefNames,
  type ConnectionResolver,
  type ResolvedConnection,
} from '../config/connection-refs';
import { silentLogger } from '../engine/component';
import type { Registry } from '../engine/registry';
import { isoNow } from '../jobs/clock';
import { ConnectionRepo, type StoredConnection } from '../store/connection-repo';
import type { Database } from '../store/database';
import { createJobRepo } from '../store/job-repo';
import type { StudioApi } from '../../src-shared/api/contract';
import type { Connection, ConnectionUser } from '../../src-shared/api/connection-model';
import { ApiError } from '../../src-shared/api/errors';
import {
  componentConfigOf,
  connectionTypeOf,
  savedConnectionKinds,
  splitSecrets,
  type SavedConnectionKind,
} from './connection-types';
import type { SecretBox } from './secret-box';
import { withoutSecrets } from './secret-text';

export type ConnectionApi = Pick<
  StudioApi,
  | 'listConnectionTypes'
  | 'listConnections'
  | 'getConnection'
  | 'createConnection'
  | 'updateConnection'
  | 'deleteConnection'
  | 'testConnection'
>;

export interface ConnectionServiceOptions {
  db: Kysely<Database>;
  registry: Registry;
  secrets: SecretBox;
  /** Where a relative SQLite path of a tested or scanned connection resolves (jobs resolve it in their own folder). */
  baseDir: string;
}

/** What saving or deleting a connection tells the rest of the host (the catalog scans after a save). */
export type ConnectionChange = { kind: 'saved' | 'deleted'; connection: Connection };

export interface ConnectionService {
  api: ConnectionApi;
  /** Resolves `connection: { ref }` in pipelines, secrets included (host side only). */
  resolver: ConnectionResolver;
  /** Opens the catalog reader of a saved connection; the caller closes it. */
  introspector(id: string): Promise<Introspector>;
  onChange(listener: (change: ConnectionChange) => void): () => void;
}

/** A job's YAML refers to these saved connections (a YAML that does not parse refers to none). */
function refsOfYaml(yaml: string): string[] {
  try {
    return connectionRefNames(parseYaml(yaml));
  } catch {
    return [];
  }
}

/** Saved connections: CRUD, tests, and resolution of `connection: { ref }`, with secrets sealed at rest. */
export function createConnectionService(options: ConnectionServiceOptions): ConnectionService {
  const { registry, secrets, baseDir } = options;
  const repo = new ConnectionRepo(options.db);
  const jobs = createJobRepo(options.db);
  const kinds = savedConnectionKinds(registry);
  const listeners = new Set<(change: ConnectionChange) => void>();

  const kindOf = (type: string): SavedConnectionKind => {
    const kind = kinds.get(type);
    if (!kind) {
      throw new ApiError(
        'bad_request',
        `"${type}" has no saved connections (those that do: ${[...kinds.keys()].join(', ')})`,
      );
    }
    return kind;
  };

  const openSecrets = (stored: StoredConnection): Record<string, unknown> => {
    if (stored.sealedSecrets === null) return {};
    return JSON.parse(secrets.open(stored.sealedSecrets)) as Record<string, unknown>;
  };

  const sealSecrets = (values: Record<string, unknown>): string | null => {
    const kept = Object.fromEntries(
      Object.entries(values).filter(([, v]) => v !== '' && v !== undefined && v !== null),
    );
    return Object.keys(kept).length > 0 ? secrets.seal(JSON.stringify(kept)) : null;
  };

  const toApi = (stored: StoredConnection): Connection => {
    const kind = kinds.get(stored.type);
    let set: string[] = [];
    if (stored.sealedSecrets !== null) {
      try {
        set = Object.keys(openSecrets(stored));
      } catch {
        set = kind?.secretFields ?? []; // sealed by another host: set, though this one cannot read it
      }
    }
    return {
      id: stored.id,
      name: stored.name,
      type: stored.type,
      description: stored.description,
      config: stored.config,
      secrets_set: set,
      created_at: stored.createdAt,
      updated_at: stored.updatedAt,
    };
  };

  /** The fields checked against the kind's schema; problems listed with their field path. */
  const checkFields = (kind: SavedConnectionKind, fields: Record<string, unknown>) => {
    const { issues } = checkAgainst(kind.schema as TSchema, fields);
    if (issues.length > 0) {
      const problems = issues.map((i) => ({
        path: `config${i.path ? `.${i.path}` : ''}`,
        message: i.message,
      }));
      throw new ApiError(
        'bad_request',
        `invalid ${kind.type} connection: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        problems,
      );
    }
  };

  const requireConnection = async (id: string): Promise<StoredConnection> => {
    const stored = await repo.get(id);
    if (!stored) throw new ApiError('not_found', `connection "${id}" not found`);
    return stored;
  };

  const usersOf = async (name: string): Promise<ConnectionUser[]> =>
    (await jobs.list())
      .filter((job) => refsOfYaml(job.config_yaml).includes(name))
      .map(({ id, name: n }) => ({ id, name: n }));

  const refuseTakenName = async (name: string, exceptId?: string) => {
    const other = await repo.getByName(name);
    if (other && other.id !== exceptId)
      throw new ApiError('conflict', `a connection named "${name}" already exists`);
  };

  const emit = (change: ConnectionChange) => {
    for (const listener of listeners) listener(change);
  };

  /** Connects with the fields, reports the server version and what it sees; never throws. */
  const test = async (
    kind: SavedConnectionKind,
    fields: Record<string, unknown>,
    secretValues: Record<string, unknown>,
  ) => {
    const started = Date.now();
    const controller = new AbortController();
    let introspector: Introspector | undefined;
    try {
      introspector = kind.spec.introspect?.(componentConfigOf(kind, fields), {
        baseDir,
        jobName: 'connection-test',
        logger: silentLogger,
        signal: controller.signal,
      });
      if (!introspector) throw new Error(`${kind.type} connections cannot be tested`);
      const version = await introspector.serverVersion();
      const databases = await introspector.listDatabases();
      const term =
        databases.length === 1 ? introspector.databaseTerm.slice(0, -1) : introspector.databaseTerm;
      return {
        ok: true,
        message: `connected: ${version}; ${databases.length} ${term}${databases.length > 0 ? ` (${databases.slice(0, 5).join(', ')}${databases.length > 5 ? ', …' : ''})` : ''}`,
        duration_ms: Date.now() - started,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        message: withoutSecrets(message, Object.values(secretValues)),
        duration_ms: Date.now() - started,
      };
    } finally {
      controller.abort();
      await introspector?.close().catch(() => undefined);
    }
  };

  const resolved = async (stored: StoredConnection): Promise<ResolvedConnection> => {
    const kind = kindOf(stored.type);
    return {
      type: stored.type,
      placement: kind.placement,
      fields: { ...stored.config, ...openSecrets(stored) },
    };
  };

  const api: ConnectionApi = {
    async listConnectionTypes() {
      return [...kinds.values()].map(connectionTypeOf);
    },
    async listConnections() {
      return (await repo.list()).map(toApi);
    },
    async getConnection({ id }) {
      const stored = await requireConnection(id);
      return { ...toApi(stored), used_by: await usersOf(stored.name) };
    },
    async createConnection(input) {
      const kind = kindOf(input.type);
      checkFields(kind, input.config);
      await refuseTakenName(input.name);
      const { config, secrets: secretValues } = splitSecrets(kind, input.config);
      const stored = await repo.insert(
        {
          id: randomUUID(),
          name: input.name,
          type: kind.type,
          description: input.description ?? '',
          config,
          sealedSecrets: sealSecrets(secretValues),
        },
        isoNow(),
      );
      const connection = toApi(stored);
      emit({ kind: 'saved', connection });
      return connection;
    },
    async updateConnection(input) {
      const stored = await requireConnection(input.id);
      const kind = kindOf(stored.type);
      if (input.name !== undefined && input.name !== stored.name) {
        await refuseTakenName(input.name, stored.id);
        const users = await usersOf(stored.name);
        if (users.length > 0) {
          throw new ApiError(
            'conflict',
            `connection "${stored.name}" cannot be renamed while jobs refer to it by name: ${users.map((u) => u.name).join(', ')}`,
            users,
          );
        }
      }
      let sealedSecrets: string | null | undefined;
      let config: Record<string, unknown> | undefined;
      if (input.config !== undefined) {
        const submitted = splitSecrets(kind, input.config);
        // A secret left out keeps its stored value; an empty one clears it.
        const merged = { ...openSecrets(stored), ...submitted.secrets };
        checkFields(kind, {
          ...submitted.config,
          ...Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== '')),
        });
        config = submitted.config;
        sealedSecrets = sealSecrets(merged);
      }
      const changed = await repo.update(
        stored.id,
        {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(config !== undefined ? { config } : {}),
          ...(sealedSecrets !== undefined ? { sealedSecrets } : {}),
        },
        isoNow(),
      );
      if (!changed) throw new ApiError('not_found', `connection "${input.id}" not found`);
      const connection = toApi(changed);
      emit({ kind: 'saved', connection });
      return connection;
    },
    async deleteConnection({ id }) {
      const stored = await requireConnection(id);
      const users = await usersOf(stored.name);
      if (users.length > 0) {
        throw new ApiError(
          'conflict',
          `connection "${stored.name}" is used by ${users.length === 1 ? 'job' : 'jobs'} ${users.map((u) => `"${u.name}"`).join(', ')}: change or delete them first`,
          users,
        );
      }
      const deleted = await repo.delete(id);
      if (deleted) emit({ kind: 'deleted', connection: toApi(stored) });
      return { deleted };
    },
    async testConnection(input) {
      const stored = input.id !== undefined ? await requireConnection(input.id) : undefined;
      const type = input.type ?? stored?.type;
      if (type === undefined) throw new ApiError('bad_request', 'testConnection needs an id or a type');
      const kind = kindOf(type);
      const savedSecrets = stored ? openSecrets(stored) : {};
      // A secret the edited form leaves out is the saved one.
      const draft = input.config && splitSecrets(kind, input.config);
      const fields = draft
        ? { ...draft.config, ...savedSecrets, ...draft.secrets }
        : { ...stored?.config, ...savedSecrets };
      checkFields(kind, fields);
      return test(kind, fields, { ...savedSecrets, ...draft?.secrets });
    },
  };

  return {
    api,
    resolver: {
      async resolve(name) {
        const stored = await repo.getByName(name);
        return stored && resolved(stored);
      },
      names: () => repo.names(),
    },
    async introspector(id) {
      const stored = await requireConnection(id);
      const kind = kindOf(stored.type);
      const { fields } = await resolved(stored);
      const introspector = kind.spec.introspect?.(componentConfigOf(kind, fields), {
        baseDir,
        jobName: `connection ${stored.name}`,
        logger: silentLogger,
        signal: new AbortController().signal,
      });
      if (!introspector) throw new ApiError('bad_request', `${kind.type} connections have no catalog`);
      return introspector;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
