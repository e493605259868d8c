import type { Kysely } from 'kysely';
import type { Logger as PinoLogger } from 'pino';
import {
  DISABLED_COMPONENTS_ENV,
  listsAsDisabled,
  registrySettingsFromEnv,
  type Registry,
} from '../engine/registry';
import { listPluginInfo } from '../jobs/plugins';
import type { Database } from '../store/database';
import { SettingsRepo } from '../store/settings-repo';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';

/** Settings key of the components switched off on the Plugins page: a JSON array of `"kind:name"`. */
export const DISABLED_COMPONENTS_SETTING = 'disabled_components';

export interface PluginSettingsOptions {
  db: Kysely<Database>;
  /** The services' one registry: switched in place, so every service sees a change at once. */
  registry: Registry;
  logger: PinoLogger;
  /** What the host switches off (`FUSTGO_DISABLED_COMPONENTS`); defaults to this process's environment. */
  hostDisabled?: readonly string[];
}

export interface PluginSettings {
  api: Pick<StudioApi, 'setPluginEnabled'>;
}

/** The stored list, or none when the value is not a list of strings (written by another version). */
function storedList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Components switched on and off from the studio. The stored list is applied to the registry at
 * start, on top of what the host's environment switches off; runs get the registry's whole list
 * when they start (see `registryEnv`), so a change reaches every run started after it.
 */
export async function createPluginSettings(options: PluginSettingsOptions): Promise<PluginSettings> {
  const { registry, logger } = options;
  const repo = new SettingsRepo(options.db);
  const hostDisabled = options.hostDisabled ?? registrySettingsFromEnv().disabled ?? [];
  let stored = storedList(await repo.get(DISABLED_COMPONENTS_SETTING));
  for (const { spec } of registry.list()) {
    if (listsAsDisabled(stored, spec.kind, spec.name)) registry.setEnabled(spec.kind, spec.name, false);
  }
  // One change at a time: each reads the list the previous one stored.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    api: {
      setPluginEnabled({ kind, name, enabled }) {
        const change = queue.then(async () => {
          if (!registry.list().some(({ spec }) => spec.kind === kind && spec.name === name))
            throw new ApiError('not_found', `no ${kind} component named "${name}"`);
          if (enabled && listsAsDisabled(hostDisabled, kind, name))
            throw new ApiError(
              'conflict',
              `${kind} "${name}" is switched off for this host by ${DISABLED_COMPONENTS_ENV}; remove it there to enable it`,
            );
          const key = `${kind}:${name}`;
          const next = stored.filter((item) => item !== key);
          if (!enabled) next.push(key);
          // Stored first: a failed write leaves the registry as the store will have it after a restart.
          await repo.set(DISABLED_COMPONENTS_SETTING, next);
          stored = next;
          registry.setEnabled(kind, name, enabled);
          logger.info({ kind, name, enabled }, 'component switched');
          const info = listPluginInfo(registry).find((p) => p.kind === kind && p.name === name);
          if (!info) throw new ApiError('internal', `${kind} "${name}" disappeared from the registry`);
          return info;
        });
        queue = change.catch(() => undefined);
        return change;
      },
    },
  };
}
