import { join } from 'node:path';
import { formatProblem } from '../config';
import { loadCliConfig } from './load-config';
import { jobNameOf } from '../config/validate';
import { defaultRegistry } from '../default-registry';
import type { RunStats } from '../engine/stats';
import { runLoadedConfig } from '../jobs/run-config';
import type { ConfigProblem } from '../../src-shared/api/model';
import { createCliLogger } from './cli-logger';
import { cliDataDir } from './data-dir';
import { openRunWatermark, type RunWatermark } from '../jobs/run-watermark';
import {
  branchesReport,
  createProgressDisplay,
  processorsReport,
  summaryLine,
  tablesReport,
} from './run-report';

/** Exit codes of `fustgo run`, a contract scripts rely on. */
export const RUN_EXIT = { completed: 0, failed: 1, invalid: 2, interrupted: 130 } as const;

export interface RunCommandOptions {
  /** `key=value` overrides of config values (`--set`). */
  set?: Record<string, string>;
  /** Ignore the stored incremental watermark: read every row (the new watermark is stored after). */
  full?: boolean;
  verbose?: boolean;
  /** Print the plan (what is read, pushed down, processed and written) instead of running. */
  explain?: boolean;
}

function printProblems(problems: ConfigProblem[]): void {
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
}

/**
 * Where this run's rejected rows go unless the config names a file: `<data dir>/dead-letter/`,
 * one file per run named by job and start time, created only when a row is rejected.
 */
function defaultDeadLetterPath(jobName: string, at = new Date()): string {
  const dataDir = cliDataDir();
  const job = jobName.replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'run';
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return join(dataDir, 'dead-letter', `${job}-${stamp}.jsonl`);
}

function problemsOf(error: unknown): ConfigProblem[] | null {
  const problems = (error as { problems?: unknown } | null)?.problems;
  return Array.isArray(problems) ? (problems as ConfigProblem[]) : null;
}

/**
 * `fustgo run FILE`: runs the pipeline in this process with a live progress line on a
 * terminal, then prints the summary. Ctrl-C cancels the run cleanly (exit 130); a
 * second Ctrl-C leaves at once.
 */
export async function runCommand(file: string, options: RunCommandOptions = {}): Promise<number> {
  const registry = defaultRegistry();
  const checked = await loadCliConfig(file, registry, { env: process.env, set: options.set });
  if (!checked.ok) {
    printProblems(checked.problems);
    return RUN_EXIT.invalid;
  }
  if (options.explain) {
    const { explainPipeline } = await import('./explain');
    for (const line of await explainPipeline(checked.loaded, registry)) process.stdout.write(`${line}\n`);
    return RUN_EXIT.completed;
  }

  const progress = process.stderr.isTTY ? createProgressDisplay(process.stderr) : null;
  const logger = createCliLogger({ verbose: options.verbose, beforeWrite: () => progress?.clear() });
  const controller = new AbortController();
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(RUN_EXIT.interrupted);
    interrupted = true;
    progress?.clear();
    process.stderr.write('cancelling… (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  let watermark: RunWatermark | undefined;
  try {
    const jobName = jobNameOf(checked.loaded);
    watermark = await openRunWatermark(checked.loaded, jobName, cliDataDir(), options.full ?? false);
    const previous = watermark?.previous !== undefined ? { watermark: watermark.previous } : {};
    const runOptions = {
      signal: controller.signal,
      logger,
      progressIntervalMs: 100,
      onProgress: (stats: RunStats) => progress?.update(stats),
      deadLetterPath: defaultDeadLetterPath(jobName),
    };
    const result = await runLoadedConfig(checked.loaded, registry, { ...runOptions, ...previous });
    progress?.clear();
    if (watermark?.note) result.notes.unshift(watermark.note);
    if (watermark && result.watermark !== undefined)
      result.notes.push(await watermark.save(result.watermark));
    process.stdout.write(`${result.status}: ${summaryLine(result)}\n`);
    // A multi-table copy: one line per table.
    for (const line of tablesReport(result.tables)) process.stdout.write(`  ${line}\n`);
    // A conditional: where rows went per branch.
    for (const line of branchesReport(result.branches)) process.stdout.write(`  ${line}\n`);
    // Processors: where every row went.
    for (const line of processorsReport(result)) process.stdout.write(`  ${line}\n`);
    for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
    if (interrupted || result.status === 'cancelled') return RUN_EXIT.interrupted;
    if (result.status !== 'completed') {
      process.stderr.write(`error: ${result.error ?? 'the run failed'}\n`);
      return RUN_EXIT.failed;
    }
    return RUN_EXIT.completed;
  } catch (error) {
    progress?.clear();
    const problems = problemsOf(error);
    if (problems) {
      printProblems(problems);
      return RUN_EXIT.invalid;
    }
    if (interrupted) return RUN_EXIT.interrupted;
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return RUN_EXIT.failed;
  } finally {
    process.off('SIGINT', onInterrupt);
    await watermark?.close();
  }
}
