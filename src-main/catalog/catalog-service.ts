import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger as PinoLogger } from 'pino';
import type { Introspector } from '../../connectors/shared/sql/introspection';
import { abortableSleep, retryPolicy, withRetry, type RetryPolicy } from '../../connectors/shared/sql/retry';
import type { ScanLevel, ScanLog, ScanMode, ScanTrigger } from '../../src-shared/api/catalog-model';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { StudioEvent } from '../../src-shared/api/model';
import type { ConnectionService } from '../connections/connection-service';
import { isoNow } from '../jobs/clock';
import { CatalogRepo, catalogColumn, type ScanLogChanges } from '../store/catalog-repo';
import type { Database } from '../store/database';
import { createJobRepo } from '../store/job-repo';
import { jobsUsingTable } from './job-usage';
import { ScanChangeCollector } from './scan-changes';
import { scanCatalog, type ScanProgress } from './scanner';
import { ScanSchedules } from './scan-schedules';
import { secretValuesOf, withoutSecrets } from '../connections/secret-text';

export type CatalogApi = Pick<
  StudioApi,
  | 'startCatalogScan'
  | 'listCatalogScans'
  | 'getCatalogScan'
  | 'listCatalogConnections'
  | 'listCatalogDatabases'
  | 'listCatalogTables'
  | 'getCatalogTable'
  | 'searchCatalog'
  | 'getCatalogSettings'
  | 'updateCatalogSettings'
>;

export interface CatalogServiceOptions {
  db: Kysely<Database>;
  connections: Pick<ConnectionService, 'api' | 'resolver' | 'introspector' | 'onChange'>;
  logger: Pick<PinoLogger, 'info' | 'warn' | 'error'>;
  /** Retries after transient errors; default 3, waiting 1, 2 and 4 s. */
  retry?: RetryPolicy;
  /** The wait between attempts, injectable so tests need not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Tables read per bulk query (progress is reported after each batch). */
  batchSize?: number;
  /** Length of a schedule's minute, for tests; default 60 000 ms. */
  minuteMs?: number;
}

export interface CatalogService {
  api: CatalogApi;
  onEvent(listener: (event: StudioEvent) => void): () => void;
  /** Starts a scan in the background, or returns the connection's running one. */
  startScan(
    connectionId: string,
    request: { mode: ScanMode; level: ScanLevel; trigger: ScanTrigger },
  ): Promise<ScanLog>;
  /** Resolves once no scan of the connection (or of any, without an id) is running. */
  idle(connectionId?: string): Promise<void>;
  /** Stops the schedules and running scans (stored as failed) and waits for them. */
  close(): Promise<void>;
}

/** A scan in progress: its log once stored, and how to stop and await it. */
interface ActiveScan {
  started: Promise<{ log: ScanLog; connection: ScannedConnection }>;
  done: Promise<void>;
  controller: AbortController;
  /** The connection was saved again while it ran: scan once more after it. */
  rescan: boolean;
}

/** The saved connection a scan reads. */
interface ScannedConnection {
  id: string;
  name: string;
  type: string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The metadata catalog: background scans of saved connections (on demand, after a save, on a
 * schedule), one at a time per connection, each over an introspector opened for it and closed
 * after it; retried with backoff after transient errors; progress and failures reported as
 * events and in the scan log.
 */
export async function createCatalogService(options: CatalogServiceOptions): Promise<CatalogService> {
  const { connections, logger } = options;
  const repo = new CatalogRepo(options.db);
  const jobs = createJobRepo(options.db);
  const policy = options.retry ?? retryPolicy(undefined);
  const sleep = options.sleep ?? abortableSleep;
  const listeners = new Set<(event: StudioEvent) => void>();
  const active = new Map<string, ActiveScan>();
  let closed = false;

  const interrupted = await repo.failRunningScans(
    'interrupted: the studio stopped during the scan',
    isoNow(),
  );
  if (interrupted > 0) logger.warn({ count: interrupted }, 'marked interrupted catalog scans failed');

  const emit = (event: StudioEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error }, 'event listener failed');
      }
    }
  };

  const requireConnection = async (id: string) => {
    const connection = await repo.connection(id);
    if (!connection) throw new ApiError('not_found', `connection "${id}" not found`);
    return connection;
  };

  /** The connection's secret values, to keep them out of stored messages. */
  const secretsOf = async (connection: ScannedConnection): Promise<string[]> => {
    try {
      const types = await connections.api.listConnectionTypes({});
      const secretFields = types.find((t) => t.type === connection.type)?.secret_fields ?? [];
      const resolved = await connections.resolver.resolve(connection.name);
      return secretValuesOf(resolved?.fields, secretFields);
    } catch {
      return []; // the secrets do not open here: then no driver could have seen them either
    }
  };

  /** Runs the scan `scanId` to its end, storing and announcing progress and the outcome. */
  const run = async (
    connection: ScannedConnection,
    scanId: string,
    request: { mode: ScanMode; level: ScanLevel },
    signal: AbortSignal,
  ) => {
    const changes = new ScanChangeCollector();
    const secrets = await secretsOf(connection);
    let progress: ScanProgress = { tablesTotal: null, tablesDone: 0, tablesRead: 0 };
    let attempts = 1;
    let introspector: Introspector | undefined;
    const announce = (status: ScanLog['status'], error: string | null) =>
      emit({
        type: 'catalog_scan',
        connection_id: connection.id,
        scan_id: scanId,
        status,
        tables_done: progress.tablesDone,
        tables_total: progress.tablesTotal,
        attempts,
        error,
      });
    const record = (changesOfLog: ScanLogChanges) => repo.updateScan(scanId, changesOfLog);
    // Closing the introspector ends a catalog query in flight when the studio closes.
    const closeOnAbort = () => void introspector?.close().catch(() => undefined);
    signal.addEventListener('abort', closeOnAbort, { once: true });
    announce('running', null);
    try {
      await withRetry(
        async (attempt) => {
          attempts = attempt;
          changes.startAttempt();
          introspector = await connections.introspector(connection.id);
          try {
            signal.throwIfAborted(); // closed while the introspector was being made
            await scanCatalog({
              introspector,
              repo,
              connectionId: connection.id,
              mode: request.mode,
              level: request.level,
              changes,
              now: isoNow(),
              newId: randomUUID,
              signal,
              batchSize: options.batchSize,
              onProgress: async (next) => {
                progress = next;
                await record({
                  tables_total: next.tablesTotal,
                  tables_done: next.tablesDone,
                  tables_read: next.tablesRead,
                });
                announce('running', null);
              },
            });
          } finally {
            await introspector.close().catch(() => undefined);
          }
        },
        {
          policy,
          sleep,
          signal,
          isTransient: (error) => !signal.aborted && introspector?.isTransient?.(error) === true,
          onRetry: async ({ attempt, attempts: allowed, error, delay }) => {
            const reason = withoutSecrets(messageOf(error), secrets);
            logger.warn(
              {
                connection: connection.name,
                scan_id: scanId,
                attempt,
                attempts: allowed,
                delay,
                error: reason,
              },
              'catalog scan failed; retrying',
            );
            attempts = attempt;
            await record({ attempts: attempt });
            announce('running', null);
          },
        },
      );
      await record({ status: 'completed', finished_at: isoNow(), attempts, changes: changes.summary() });
      announce('completed', null);
      logger.info(
        { connection: connection.name, scan_id: scanId, ...changes.summary().counts },
        'catalog scan completed',
      );
    } catch (failure) {
      const error = withoutSecrets(
        signal.aborted ? `stopped: ${messageOf(signal.reason)}` : messageOf(failure),
        secrets,
      );
      await record({ status: 'failed', finished_at: isoNow(), attempts, error, changes: changes.summary() });
      announce('failed', error);
      logger.warn({ connection: connection.name, scan_id: scanId, error }, 'catalog scan failed');
    } finally {
      signal.removeEventListener('abort', closeOnAbort);
    }
  };

  const startScan: CatalogService['startScan'] = async (connectionId, request) => {
    if (closed) throw new ApiError('conflict', 'the studio is closing: no new scans');
    const running = active.get(connectionId);
    if (running) {
      if (request.trigger === 'saved') running.rescan = true;
      const { log } = await running.started;
      return (await repo.getScan(log.id)) ?? log;
    }
    // Registered before anything is awaited, so a second request finds it and waits for it.
    const controller = new AbortController();
    const entry: ActiveScan = {
      controller,
      rescan: false,
      started: (async () => {
        const connection = await requireConnection(connectionId);
        const log = await repo.insertScan({
          id: randomUUID(),
          connectionId,
          triggeredBy: request.trigger,
          mode: request.mode,
          level: request.level,
          startedAt: isoNow(),
        });
        return { log, connection };
      })(),
      done: Promise.resolve(),
    };
    active.set(connectionId, entry);
    let started: { log: ScanLog; connection: ScannedConnection };
    try {
      started = await entry.started;
    } catch (error) {
      active.delete(connectionId);
      throw error;
    }
    const { log, connection } = started;
    entry.done = run(connection, log.id, request, controller.signal)
      .catch((error: unknown) => logger.error({ err: error, scan_id: log.id }, 'catalog scan crashed'))
      .finally(() => {
        active.delete(connectionId);
        if (entry.rescan && !closed)
          startScan(connectionId, { mode: 'incremental', level: 3, trigger: 'saved' }).catch(() => undefined);
      });
    return log;
  };

  /** Waits for the running scans of the connection (or of all), and for rescans they start. */
  const idle = async (connectionId?: string): Promise<void> => {
    const pending = () =>
      [...active.entries()].filter(([id]) => connectionId === undefined || id === connectionId);
    for (let scans = pending(); scans.length > 0; scans = pending()) {
      for (const [, scan] of scans) {
        await scan.started.catch(() => undefined);
        await scan.done;
      }
    }
  };

  const schedules = new ScanSchedules({
    minuteMs: options.minuteMs ?? 60_000,
    onDue: (connectionId) => {
      startScan(connectionId, { mode: 'incremental', level: 3, trigger: 'schedule' }).catch(
        (error: unknown) =>
          logger.warn(
            { connection_id: connectionId, error: messageOf(error) },
            'scheduled catalog scan not started',
          ),
      );
    },
  });
  for (const { connectionId, minutes } of await repo.schedules()) schedules.set(connectionId, minutes);

  const unsubscribe = connections.onChange((change) => {
    if (change.kind === 'saved') {
      startScan(change.connection.id, { mode: 'incremental', level: 3, trigger: 'saved' }).catch(
        (error: unknown) =>
          logger.warn(
            { connection: change.connection.name, error: messageOf(error) },
            'catalog scan not started',
          ),
      );
    } else {
      schedules.set(change.connection.id, null);
      active.get(change.connection.id)?.controller.abort(new Error('the connection was deleted'));
    }
  });

  const settingsOf = async (connectionId: string) => ({
    connection_id: connectionId,
    scan_interval_minutes: await repo.scanInterval(connectionId),
  });

  const api: CatalogApi = {
    async startCatalogScan({ connection_id, mode = 'incremental', level = 3 }) {
      return startScan(connection_id, { mode, level, trigger: 'manual' });
    },
    async listCatalogScans({ connection_id, limit = 50 }) {
      return repo.listScans({
        ...(connection_id !== undefined ? { connectionId: connection_id } : {}),
        limit,
      });
    },
    async getCatalogScan({ id }) {
      const scan = await repo.getScan(id);
      if (!scan) throw new ApiError('not_found', `catalog scan "${id}" not found`);
      return scan;
    },
    async listCatalogConnections() {
      return repo.connections();
    },
    async listCatalogDatabases({ connection_id, include_removed = false }) {
      await requireConnection(connection_id);
      return repo.databaseList(connection_id, include_removed);
    },
    async listCatalogTables({ database_id, include_removed = false }) {
      if (!(await repo.databaseExists(database_id)))
        throw new ApiError('not_found', `catalog database "${database_id}" not found`);
      return repo.tableList(database_id, include_removed);
    },
    async getCatalogTable({ id }) {
      const found = await repo.tableDetail(id);
      if (!found) throw new ApiError('not_found', `catalog table "${id}" not found`);
      const { table, columns } = found;
      const {
        connection,
        primaryKey,
        indexes,
        foreignKeys,
        firstSeenAt,
        sourceChangedAt,
        sourceUpdatedAt,
        ...rest
      } = table;
      const schema = table.qualified_name === table.name ? undefined : table.database;
      return {
        ...rest,
        connection,
        columns: columns.map((c, i) => catalogColumn(c, i + 1)),
        primary_key: primaryKey,
        indexes,
        foreign_keys: foreignKeys.map((fk) => ({
          name: fk.name,
          columns: fk.columns,
          ref_schema: fk.refSchema ?? null,
          ref_table: fk.refTable,
          ref_columns: fk.refColumns,
          on_delete: fk.onDelete ?? null,
          on_update: fk.onUpdate ?? null,
        })),
        first_seen_at: firstSeenAt,
        source_changed_at: sourceChangedAt,
        source_updated_at: sourceUpdatedAt,
        jobs: jobsUsingTable(await jobs.list(), connection.name, {
          ...(schema !== undefined ? { schema } : {}),
          name: table.name,
          kind: table.kind,
        }),
      };
    },
    async searchCatalog({ q, connection_id, limit = 100 }) {
      const text = q.trim();
      if (text === '') return [];
      return repo.search(text, {
        ...(connection_id !== undefined ? { connectionId: connection_id } : {}),
        limit,
      });
    },
    async getCatalogSettings({ connection_id }) {
      await requireConnection(connection_id);
      return settingsOf(connection_id);
    },
    async updateCatalogSettings({ connection_id, scan_interval_minutes }) {
      await requireConnection(connection_id);
      await repo.setScanInterval(connection_id, scan_interval_minutes, isoNow());
      schedules.set(connection_id, scan_interval_minutes);
      return settingsOf(connection_id);
    },
  };

  let closing: Promise<void> | undefined;
  return {
    api,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    startScan,
    idle,
    close() {
      closing ??= (async () => {
        closed = true;
        unsubscribe();
        schedules.clear();
        const running = [...active.values()];
        for (const scan of running) scan.controller.abort(new Error('the studio closed during the scan'));
        for (const scan of running) {
          await scan.started.catch(() => undefined);
          await scan.done;
        }
      })();
      return closing;
    },
  };
}
