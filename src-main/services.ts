import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger as PinoLogger } from 'pino';
import type { Registry } from './engine/registry';
import { defaultRegistry } from './default-registry';
import { createCatalogService } from './catalog/catalog-service';
import { createInspectService } from './catalog/inspect-service';
import { createConnectionService } from './connections/connection-service';
import { createDiffService } from './diff/diff-service';
import { headlessSecretBox, type SecretBox } from './connections/secret-box';
import { createJobService } from './jobs/job-service';
import { createPreviewService } from './preview/preview-service';
import { createSchemaService } from './config/schema-service';
import { createStepPreviewService } from './preview/step-preview-service';
import type { RunLauncher } from './jobs/run-launcher';
import type { PlainEndpoint } from './server/http-server';
import { openStore } from './store/open-store';
import { createPluginSettings } from './settings/plugin-settings';
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
  /** Defaults to JSON lines in `<dataDir>/logs/fustgo.log`. */
  logger?: PinoLogger;
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

/** Size past which the log is rotated when the services start. */
export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/**
 * Keeps the log bounded across long-lived installs: at start, a log past `maxBytes` becomes
 * `fustgo.log.1` (the previous `.1` becomes `.2`, an older `.2` is dropped).
 */
export function rotateLog(file: string, maxBytes = LOG_ROTATE_BYTES): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return; // no log yet
  }
  if (size <= maxBytes) return;
  if (existsSync(`${file}.1`)) renameSync(`${file}.1`, `${file}.2`);
  renameSync(file, `${file}.1`);
}

/** JSON lines to `<dataDir>/logs/fustgo.log`, written synchronously so nothing is lost on exit. */
function fileLogger(dataDir: string): PinoLogger {
  const file = join(dataDir, 'logs', 'fustgo.log');
  rotateLog(file);
  const destination = pino.destination({ dest: file, mkdir: true, sync: true });
  return pino({ level: process.env.FUSTGO_LOG_LEVEL ?? 'info', base: { pid: process.pid } }, destination);
}

/**
 * The one composition of the services, used by `fustgo serve`, the Electron main process
 * and tests: opens (and migrates) the store, builds the registry, starts the job service.
 */
export async function createServices(options: ServicesOptions): Promise<Services> {
  const logger = options.logger ?? fileLogger(options.dataDir);
  const store = await openStore({ dataDir: options.dataDir });
  try {
    const registry = options.registry ?? defaultRegistry();
    const plugins = await createPluginSettings({ db: store.db, registry, logger });
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
    logger.info({ data_dir: options.dataDir }, 'services started');
    let closed: Promise<void> | undefined;
    return {
      api: {
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
      },
      endpoints: [],
      onEvent(listener) {
        const fromJobs = jobs.onEvent(listener);
        const fromCatalog = catalog.onEvent(listener);
        return () => {
          fromJobs();
          fromCatalog();
        };
      },
      close() {
        closed ??= (async () => {
          await catalog.close();
          await jobs.close();
          await store.close();
          logger.info('services closed');
        })();
        return closed;
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
