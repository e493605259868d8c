import { loadAndValidateText } from '../config/index';
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
}

/** Every located problem of a config: YAML syntax, `${VAR}`, the top level and each component's schema. */
export async function checkConfig(check: ConfigCheck): Promise<ConfigProblem[]> {
  const result = await loadAndValidateText(check.yaml, check.fileName, check.baseDir, check.registry, {
    env: { ...process.env, ...check.env },
  });
  return result.ok ? [] : result.problems;
}
