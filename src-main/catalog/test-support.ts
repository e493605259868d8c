import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import type { ScanLog } from '../../src-shared/api/catalog-model';
import type { StudioEvent } from '../../src-shared/api/model';
import { createConnectionService, type ConnectionService } from '../connections/connection-service';
import { aesSecretBox } from '../connections/secret-box';
import { defaultRegistry } from '../default-registry';
import { openStore, type Store } from '../store/open-store';
import { createCatalogService, type CatalogService, type CatalogServiceOptions } from './catalog-service';

/*
 * For the catalog's tests: a store in a temp dir, the real connection service over it, and the
 * catalog service, with what it logged and announced kept for assertions.
 */

export interface CatalogHarness {
  dir: string;
  store: Store;
  connections: ConnectionService;
  catalog: CatalogService;
  events: StudioEvent[];
  /** Log lines as `msg` plus their data, as JSON text (to grep for secrets). */
  logs: string[];
  /** The scan of the connection once it is no longer running. */
  finishedScan(connectionId: string): Promise<ScanLog>;
  close(): Promise<void>;
}

/** A logger keeping every line as text. */
export function memoryLogger(lines: string[]): Pick<PinoLogger, 'info' | 'warn' | 'error'> {
  const log = (data: unknown, msg?: string) => {
    lines.push(JSON.stringify({ msg, data }));
  };
  return { info: log, warn: log, error: log } as unknown as Pick<PinoLogger, 'info' | 'warn' | 'error'>;
}

export interface HarnessOptions extends Partial<
  Omit<CatalogServiceOptions, 'db' | 'connections' | 'logger'>
> {
  /** What the catalog sees of the connection service (to fake an introspector). */
  connections?: (real: ConnectionService) => CatalogServiceOptions['connections'];
}

/** Opens the harness; `options` go to the catalog service (fast retries by default). */
export async function openCatalogHarness(options: HarnessOptions = {}): Promise<CatalogHarness> {
  const { connections: wrap, ...serviceOptions } = options;
  const dir = mkdtempSync(join(tmpdir(), 'fustgo-catalog-'));
  const store = await openStore({ dataDir: dir });
  const connections = createConnectionService({
    db: store.db,
    registry: defaultRegistry(),
    secrets: aesSecretBox(randomBytes(32), 'test key'),
    baseDir: dir,
  });
  const logs: string[] = [];
  const catalog = await createCatalogService({
    db: store.db,
    connections: wrap ? wrap(connections) : connections,
    logger: memoryLogger(logs),
    retry: { maxRetries: 2, initialDelay: 0.01, maxDelay: 0.05, multiplier: 2 },
    ...serviceOptions,
  });
  const events: StudioEvent[] = [];
  catalog.onEvent((event) => events.push(event));
  return {
    dir,
    store,
    connections,
    catalog,
    events,
    logs,
    async finishedScan(connectionId) {
      await catalog.idle(connectionId);
      const [latest] = await catalog.api.listCatalogScans({ connection_id: connectionId, limit: 1 });
      if (!latest) throw new Error(`connection ${connectionId} was never scanned`);
      return latest;
    },
    async close() {
      await catalog.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
