import { buildPlan, ConfigErrors, validatePipeline, type LoadedConfig } from '../config';
import type { SpecLookup } from '../config/component-fields';
import { isEltConfig } from '../elt/elt-config';
import { runElt } from '../elt/run-elt';
import type { Logger } from '../engine/component';
import { runPipeline, type RunOptions, type RunResult } from '../engine/runtime';

/**
 * Runs a valid loaded config as its `job.type` says, for `fustgo run` and the studio's run
 * processes alike: ELT loads the input into a staging table and runs the processors in the
 * target as SQL; otherwise the engine runs input → processors → output.
 */
export async function runLoadedConfig(
  loaded: LoadedConfig,
  registry: SpecLookup,
  options: RunOptions & {
    logger: Logger;
    signal: AbortSignal;
    /** The job's stored incremental watermark. */ watermark?: string;
  },
): Promise<RunResult> {
  if (isEltConfig(loaded.config)) {
    // buildPlan validates for the engine; ELT reads the config directly, so it validates here.
    const problems = validatePipeline(loaded, registry);
    if (problems.length > 0) throw new ConfigErrors(problems);
    return runElt(loaded, registry, options);
  }
  const { watermark, ...runOptions } = options;
  const plan = await buildPlan(loaded, registry, {
    logger: options.logger,
    signal: options.signal,
    ...(watermark !== undefined ? { watermark } : {}),
  });
  return runPipeline(plan, runOptions);
}
