import type { ConfigProblem } from '../../src-shared/api/model';
import { loadPipelineFile, validatePipeline } from '../config';
import type { createRegistry } from '../engine/registry';

type Registry = ReturnType<typeof createRegistry>;
type LoadResult = Awaited<ReturnType<typeof loadPipelineFile>>;
/** A loaded pipeline config, as the config loader returns it. */
export type LoadedPipeline = Extract<LoadResult, { ok: true }>['loaded'];

/** Loads one pipeline file and validates it against the registry: a config is valid, or it does not run. */
export async function checkPipeline(
  file: string,
  registry: Registry,
  set: Record<string, string> = {},
): Promise<{ ok: true; loaded: LoadedPipeline } | { ok: false; problems: ConfigProblem[] }> {
  const result = await loadPipelineFile(file, { env: process.env, set });
  if (!result.ok) return { ok: false, problems: result.problems };
  const problems = validatePipeline(result.loaded, registry);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, loaded: result.loaded };
}
