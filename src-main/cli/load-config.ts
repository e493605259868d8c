import { loadAndValidate, type CheckResult, type ConnectionResolver, type LoadOptions } from '../config';
import { createConnectionService } from '../connections/connection-service';
import { headlessSecretBox } from '../connections/secret-box';
import type { Registry } from '../engine/registry';
import { openStore, type Store } from '../store/open-store';
import { cliDataDir } from './data-dir';

/**
 * Saved connections of the CLI's data dir, opened on the first `connection: { ref }` only, so
 * pipelines without refs never touch the store or the secret key.
 */
function lazyConnections(
  registry: Registry,
  dataDir: string,
): { resolver: ConnectionResolver; close(): Promise<void> } {
  let opened: Promise<{ store: Store; resolver: ConnectionResolver }> | undefined;
  const open = () =>
    (opened ??= openStore({ dataDir }).then((store) => {
      try {
        const service = createConnectionService({
          db: store.db,
          registry,
          secrets: headlessSecretBox(dataDir),
          baseDir: dataDir,
        });
        return { store, resolver: service.resolver };
      } catch (error) {
        void store.close();
        throw error;
      }
    }));
  return {
    resolver: {
      resolve: async (name) => (await open()).resolver.resolve(name),
      names: async () => (await open()).resolver.names(),
    },
    close: async () => {
      if (opened) await (await opened.catch(() => undefined))?.store.close();
    },
  };
}

/** Loads and validates a pipeline file for a CLI command, resolving saved connections from the data dir. */
export async function loadCliConfig(
  file: string,
  registry: Registry,
  opts: Omit<LoadOptions, 'connections'> = {},
): Promise<CheckResult> {
  const connections = lazyConnections(registry, cliDataDir());
  try {
    return await loadAndValidate(file, registry, { ...opts, connections: connections.resolver });
  } finally {
    await connections.close();
  }
}
