import type { Logger as PinoLogger } from 'pino';
import type { Registry } from './engine/registry';
import { defaultRegistry } from './default-registry';
import { createCatalogService } from './catalog/catalog-service';
import { createInspectService } from './catalog/inspect-service';
import { createConnectionService } from './connections/connection-service';
import { createDiffService } from './diff/diff-service';
import { headlessSecretBox, type SecretBox } from './connections/secret-box';
import { createJobService } from './jobs/job-service';
import { currentRequestContext } from './audit/request-context';
import { createPreviewService } from './preview/preview-service';
import { createSchemaService } from './config/schema-service';
import { createStepPreviewService } from './preview/step-preview-service';
import type { RunLauncher } from './jobs/run-launcher';
import type { PlainEndpoint } from './server/http-server';
import { openStore } from './store/open-store';
import { createJobRepo } from './store/job-repo';
import { createScheduler } from './scheduler/scheduler';
import { jobDependencyProblems } from './scheduler/dependency-check';
import { createPluginSettings } from './settings/plugin-settings';
import { createDeadLetterService } from './deadletters/dead-letter-service';
import { createAppSettings } from './settings/app-settings';
import { createAuditLog } from './audit/audit-log';
import { auditedApi } from './audit/audited-api';
import { createAlertService } from './alerts/alert-service';
import { createMonitorService } from './monitor/monitor-service';
import { createAppLog } from './logs/app-logger';
import { createLogService } from './logs/log-service';
import { createRetention } from './retention/retention';
import { createRunTracer } from './telemetry/run-trace';
import type { StudioApi } from '../src-shared/api/contract';
import type { StudioEvent } from '../src-shared/api/model';

export interface ServicesOptions {
  /** The studio's data dir: the store (`fustgo.db`), logs (`logs/`) and job folders (`jobs/<id>/`). */
  dataDir: string;
  /** Example pipelines shipped with the studio (`resources/examples`). */
  examplesDir: string;
  /** How runs get their own process: forked (headless) or Electron utility processes. */
  launcher: RunLauncher;
  /** The components; defaults to every one in `connectors/index.ts`. */
  registry?: Registry;
  /**
   * Defaults to JSON lines in `<dataDir>/logs/` (`fustgo.log`, and `executions/<id>.log` per run),
   * which the log viewer reads; a logger given here (tests) gets the lines instead.
   */
  logger?: PinoLogger;
  /** Also print the log's JSON lines to stdout (`fustgo serve`). */
  logToStdout?: boolean;
  /** Job service timing, mostly for tests. */
  persistIntervalMs?: number;
  stopGraceMs?: number;
  /**
   * Seals saved connections' secrets. Defaults to AES-256-GCM with the key from `FUSTGO_SECRET_KEY`
   * or `<dataDir>/secret.key`; the desktop passes one over Electron's safeStorage.
   */
  secretBox?: SecretBox;
}

/** The services behind `StudioApi`, whatever host and transport serve them. */
export interface Services {
  api: StudioApi;
  /** Plain HTTP endpoints `fustgo serve` adds beside the API (`/metrics`, webhook triggers). */
  endpoints: PlainEndpoint[];
  /** Subscribe to pushed events (job status, progress, logs); returns the unsubscribe function. */
  onEvent(listener: (event: StudioEvent) => void): () => void;
  /** Stops running runs, waits for their final state to be stored, closes the store. */
  close(): Promise<void>;
}

/**
 * The one composition of the services, used by `fustgo serve`, the Electron main process
 * and tests: opens (and migrates) the store, builds the registry, starts the job service.
 */
export async function createServices(options: ServicesOptions): Promise<Services> {
  // JSON lines in `<dataDir>/logs/`: the app's in `fustgo.log`, each run's in `executions/<id>.log`.
  const appLog = createAppLog({ dataDir: options.dataDir, stdout: options.logToStdout ?? false });
  const logger = options.logger ?? appLog.logger;
  const store = await openStore({ dataDir: options.dataDir });
  try {
    const registry = options.registry ?? defaultRegistry();
    const plugins = await createPluginSettings({ db: store.db, registry, logger });
    // Admin first: the audit log records settings changes, and every service reads the settings.
    const audit = createAuditLog({
      db: store.db,
      logger,
      jobName: (id) => jobs.api.getJob({ id }).then((job) => job.name),
    });
    const appSettings = await createAppSettings({
      db: store.db,
      dataDir: options.dataDir,
      logger,
      audit,
      plugins: () => {
        const all = registry.list();
        return { enabled: all.filter((c) => c.enabled).length, total: all.length };
      },
    });
    audit.keepFor(appSettings.source);
    const logs = createLogService({
      appLog,
      settings: appSettings.source,
      db: store.db,
      saveLevel: async (log_level) => void (await appSettings.api.updateSettings({ patch: { log_level } })),
    });
    const retention = createRetention({
      db: store.db,
      settings: appSettings.source,
      dataDir: options.dataDir,
      logger,
    });
    const runTracer = createRunTracer({ settings: appSettings.source, logger });
    const connections = createConnectionService({
      db: store.db,
      registry,
      secrets: options.secretBox ?? headlessSecretBox(options.dataDir),
      baseDir: options.dataDir,
    });
    const catalog = await createCatalogService({ db: store.db, connections, logger });
    const jobs = await createJobService({
      db: store.db,
      registry,
      launcher: options.launcher,
      connections: connections.resolver,
      dataDir: options.dataDir,
      examplesDir: options.examplesDir,
      logger,
      // `job.after` naming an unknown job or closing a cycle is refused when a job is saved.
      checkJob: async (job) => jobDependencyProblems(await createJobRepo(store.db).list(), job),
      settings: appSettings.source,
      runTracer,
      // The transports say who asks (HTTP: `x-fustgo-user` or `api`; desktop: the OS user).
      actor: () => currentRequestContext()?.actor ?? 'user',
      ...(options.persistIntervalMs !== undefined ? { persistIntervalMs: options.persistIntervalMs } : {}),
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
    });
    const preview = createPreviewService({
      db: store.db,
      registry,
      connections,
      dataDir: options.dataDir,
      examplesDir: options.examplesDir,
    });
    const stepPreview = createStepPreviewService({
      db: store.db,
      registry,
      connections: connections.resolver,
      dataDir: options.dataDir,
      examplesDir: options.examplesDir,
    });
    const diff = createDiffService({
      db: store.db,
      registry,
      connections: connections.resolver,
      dataDir: options.dataDir,
      examplesDir: options.examplesDir,
    });
    const alerts = await createAlertService({ db: store.db, logger, lookup: jobs.api });
    alerts.keepFor(appSettings.source);
    jobs.onEvent((event) => {
      audit.handleEvent(event);
      alerts.handleEvent(event);
    });
    const scheduler = await createScheduler({
      db: store.db,
      runs: jobs,
      listJobs: () => createJobRepo(store.db).list(),
      logger,
      dataDir: options.dataDir,
    });
    jobs.onEvent((event) => scheduler.handleEvent(event));
    const monitor = await createMonitorService({ db: store.db, logger });
    jobs.onEvent((event) => monitor.handleEvent(event));
    logger.info({ data_dir: options.dataDir }, 'services started');
    let closed: Promise<void> | undefined;
    return {
      api: auditedApi(
        {
          ...jobs.api,
          ...connections.api,
          ...preview.api,
          ...catalog.api,
          ...diff.api,
          ...stepPreview.api,
          ...plugins.api,
          ...createSchemaService(registry).api,
          ...createInspectService({
            db: store.db,
            registry,
            connections: connections.resolver,
            dataDir: options.dataDir,
            examplesDir: options.examplesDir,
          }).api,
          ...appSettings.api,
          ...audit.api,
          ...alerts.api,
          ...logs.api,
          ...retention.api,
          ...scheduler.api,
          ...monitor.api,
          ...createDeadLetterService({ db: store.db, dataDir: options.dataDir, runs: jobs, logger }).api,
        },
        audit,
      ),
      endpoints: [...scheduler.endpoints, ...monitor.endpoints],
      onEvent(listener) {
        const fromJobs = jobs.onEvent(listener);
        const fromCatalog = catalog.onEvent(listener);
        const fromAlerts = alerts.onEvent(listener);
        const fromLogs = logs.onEvent(listener);
        return () => {
          fromLogs();
          fromJobs();
          fromCatalog();
          fromAlerts();
        };
      },
      close() {
        closed ??= (async () => {
          await retention.close();
          await catalog.close();
          await scheduler.close();
          await jobs.close();
          await alerts.close();
          await appSettings.close();
          await audit.close();
          await store.close();
          await runTracer.close();
          logs.close();
          logger.info('services closed');
          appLog.close();
        })();
        return closed;
      },
    };
  } catch (error) {
    await store.close();
    appLog.close();
    throw error;
  }
}
