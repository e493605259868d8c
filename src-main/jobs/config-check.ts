import { loadAndValidateText, type ConnectionResolver, type ResolvedConnection } from '../config/index';
import type { Registry } from '../engine/registry';
import type { ConfigProblem } from '../../src-shared/api/model';

/** Environment variable naming the examples folder, so example configs can reach their data files. */
export const EXAMPLES_ENV = 'FUSTGO_EXAMPLES';

export interface ConfigCheck {
  yaml: string;
  /** Name problems are reported against. */
  fileName: string;
  baseDir: string;
  /** Variables on top of `process.env` for `${VAR}`, as the run will see them. */
  env: Record<string, string>;
  registry: Registry;
  /** Saved connections for `connection: { ref }`. */
  connections?: ConnectionResolver;
}

/** Every located problem of a config: YAML syntax, `${VAR}`, the top level and each component's schema. */
export async function checkConfig(check: ConfigCheck): Promise<ConfigProblem[]> {
  return (await checkConfigConnections(check)).problems;
}

/**
 * `checkConfig`, also returning the saved connections the config refers to, resolved: what the
 * host hands the run process, which cannot open the secrets itself (the desktop's keychain).
 */
export async function checkConfigConnections(
  check: ConfigCheck,
): Promise<{ problems: ConfigProblem[]; connections: Record<string, ResolvedConnection> }> {
  const connections: Record<string, ResolvedConnection> = {};
  const resolver = check.connections;
  const recording: ConnectionResolver | undefined = resolver && {
    names: () => resolver.names(),
    resolve: async (name) => {
      const found = await resolver.resolve(name);
      if (found) connections[name] = found;
      return found;
    },
  };
  const result = await loadAndValidateText(check.yaml, check.fileName, check.baseDir, check.registry, {
    env: { ...process.env, ...check.env },
    ...(recording ? { connections: recording } : {}),
  });
  return { problems: result.ok ? [] : result.problems, connections };
}
