import type { ConfigProblem } from '../../src-shared/api/model';
import type { SpecLookup } from './component-fields';
import { pathContains } from './config-path';
import {
  loadPipelineFile,
  loadPipelineText,
  type LoadedConfig,
  type LoadOptions,
  type LoadResult,
} from './load';
import { validatePipeline } from './validate';

export type CheckResult = { ok: true; loaded: LoadedConfig } | { ok: false; problems: ConfigProblem[] };

/**
 * Every problem of a loaded config in one pass: the loader's (YAML, `${VAR}`, `--set`,
 * `extends`), then validation's, except where validation only repeats a value the loader
 * already reported (an unresolved `${PORT}` is not also "not an integer").
 */
function check(result: LoadResult, registry: SpecLookup): CheckResult {
  if (result.ok) {
    const problems = validatePipeline(result.loaded, registry);
    return problems.length > 0 ? { ok: false, problems } : result;
  }
  if (!result.partial) return result;
  // An unusable `connection.ref` leaves the whole connection unresolved: its missing fields are not news.
  const reported = result.problems.map((p) => p.path.replace(/\.connection\.ref$/, '.connection'));
  const more = validatePipeline(result.partial, registry).filter(
    (problem) => !reported.some((path) => pathContains(path, problem.path)),
  );
  return { ok: false, problems: [...result.problems, ...more] };
}

/** Loads and validates a pipeline file: what `fustgo validate` and `fustgo run` start with. */
export async function loadAndValidate(
  file: string,
  registry: SpecLookup,
  opts: LoadOptions = {},
): Promise<CheckResult> {
  return check(await loadPipelineFile(file, opts), registry);
}

/** Loads and validates pipeline YAML held in memory (a job's config), named `fileName` in problems. */
export async function loadAndValidateText(
  text: string,
  fileName: string,
  baseDir: string,
  registry: SpecLookup,
  opts: LoadOptions = {},
): Promise<CheckResult> {
  return check(await loadPipelineText(text, fileName, baseDir, opts), registry);
}
