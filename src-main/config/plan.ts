import path from 'node:path';
import type {
  ComponentContext,
  ComponentSpec,
  InputSpec,
  Logger,
  OutputSpec,
  ProcessorSpec,
} from '../engine/component';
import { parseErrorLimit } from '../engine/rejects';
import type { PipelinePlan, PlannedProcessor } from '../engine/runtime';
import { componentFields, type SpecLookup } from './component-fields';
import { describePushdown, pushdownFirstFilter } from './filter-pushdown';
import type { LoadedConfig } from './load';
import { ConfigErrors } from './problem';
import { branchLabel, type PlannedBranch, type PlannedBranching } from '../engine/branches';
import type { Output } from '../engine/component';
import {
  branchComponents,
  branchSections,
  CONDITIONAL,
  jobNameOf,
  placedComponents,
  thrownProblem,
  validatePipeline,
  type PlacedComponent,
} from './validate';

function isFieldError(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'FieldError' &&
    typeof (error as { path?: unknown }).path === 'string'
  );
}

/**
 * Creates the input, processors and output of a config for a run. The config is validated
 * first (a config is valid, or it does not run); a `FieldError` from a factory becomes a
 * located `ConfigErrors`; other failures (a database that is down) propagate as they are.
 * The input is closed again when a later component cannot be created.
 */
export async function buildPlan(
  loaded: LoadedConfig,
  registry: SpecLookup,
  ctx: {
    logger: Logger;
    signal: AbortSignal;
    /** The job's stored incremental watermark. */ watermark?: string;
  },
): Promise<PipelinePlan> {
  const problems = validatePipeline(loaded, registry);
  if (problems.length > 0) throw new ConfigErrors(problems);
  const context: ComponentContext = {
    baseDir: loaded.baseDir,
    jobName: jobNameOf(loaded),
    logger: ctx.logger,
    signal: ctx.signal,
  };
  const placed = placedComponents(loaded.config);
  // Validation above guarantees each spec exists, has the section's kind, and accepts its fields.
  const specFor = (place: PlacedComponent) => registry.get(place.kind, place.component.type) as ComponentSpec;
  const located = async <T>(
    place: PlacedComponent,
    make: (config: Record<string, unknown>) => T | Promise<T>,
  ) => {
    try {
      return await make(componentFields(specFor(place), place.component).config);
    } catch (error) {
      throw isFieldError(error) ? new ConfigErrors([thrownProblem(loaded, place.path, error)]) : error;
    }
  };
  const inputPlace = placed.filter((p) => p.kind === 'input')[0];
  const inputSpec = specFor(inputPlace) as InputSpec;
  const inputContext = ctx.watermark === undefined ? context : { ...context, watermark: ctx.watermark };
  const input = await located(inputPlace, async (config) => {
    const pushed = await pushdownFirstFilter(placed, specFor, config, context);
    for (const line of pushed ? describePushdown(pushed.pushdown) : []) ctx.logger.info(line);
    return inputSpec.create(pushed?.input ?? config, inputContext);
  });
  // Outputs created so far, closed again when a later component cannot be created.
  const outputs: Output[] = [];
  const planProcessors = async (places: PlacedComponent[]): Promise<PlannedProcessor[]> => {
    const processors: PlannedProcessor[] = [];
    for (const place of places) {
      const spec = specFor(place) as ProcessorSpec;
      processors.push({
        path: place.path,
        type: place.component.type,
        processor: await located(place, (config) => spec.create(config, context)),
        ...(place.onError ? { onError: place.onError } : {}),
      });
    }
    return processors;
  };
  const planOutput = async (place: PlacedComponent): Promise<Output> => {
    const spec = specFor(place) as OutputSpec;
    const output = await located(place, (config) => spec.create(config, context));
    outputs.push(output);
    return output;
  };
  try {
    const processors = await planProcessors(placed.filter((p) => p.kind === 'processor'));
    // Validation above guarantees a conditional is last, and that it has no top-level output beside it.
    const closing = processors[processors.length - 1];
    let branching: PlannedBranching | undefined;
    let output: Output | undefined;
    if (closing?.type === CONDITIONAL) {
      processors.pop();
      const nested = branchComponents(loaded.config);
      const conditional = placed.find((p) => p.path === closing.path) as PlacedComponent;
      const branches: PlannedBranch[] = [];
      for (const { path: branchPath, section } of branchSections(conditional.component, closing.path)) {
        const inBranch = nested.filter((p) => p.branch === branchPath);
        const outputPlace = inBranch.find((p) => p.kind === 'output') as PlacedComponent;
        branches.push({
          path: branchPath,
          label: branchLabel(section as { name?: string; when?: string }),
          processors: await planProcessors(inBranch.filter((p) => p.kind === 'processor')),
          output: await planOutput(outputPlace),
          outputType: outputPlace.component.type,
        });
      }
      branching = { router: closing, branches };
    } else {
      output = await planOutput(placed.filter((p) => p.kind === 'output')[0]);
    }
    const pipeline = loaded.config.pipeline;
    // Validated above: a count or a percentage.
    const errorLimit = parseErrorLimit(pipeline?.error_limit);
    const deadLetter = pipeline?.dead_letter?.path;
    return {
      input,
      processors,
      ...(output ? { output } : {}),
      ...(branching ? { branching } : {}),
      channels: pipeline?.channels ?? 1,
      ...(pipeline?.buffer !== undefined ? { buffer: pipeline.buffer } : {}),
      ...(errorLimit ? { errorLimit } : {}),
      ...(deadLetter ? { deadLetterPath: path.resolve(loaded.baseDir, deadLetter) } : {}),
    };
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    for (const output of outputs) await output.close(reason).catch(() => undefined);
    await input.close?.().catch(() => undefined);
    throw error;
  }
}

/** The column an incremental input keeps its watermark on (`input.incremental.column`), if any. */
export function incrementalColumnOf(loaded: LoadedConfig): string | undefined {
  const incremental = (loaded.config.input as { incremental?: { column?: unknown } } | undefined)
    ?.incremental;
  return typeof incremental?.column === 'string' ? incremental.column : undefined;
}
