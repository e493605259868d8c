import { components } from '../connectors/index';
import { createRegistry, registrySettingsFromEnv, type Registry } from './engine/registry';

/**
 * The registry every host uses (CLI, server, desktop, run processes): the static component
 * list of `connectors/index.ts`, minus what `FUSTGO_DISABLED_COMPONENTS` switches off.
 */
export function defaultRegistry(env: NodeJS.ProcessEnv = process.env): Registry {
  return createRegistry(components, registrySettingsFromEnv(env));
}
