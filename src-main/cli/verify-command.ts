import type { ConfigProblem } from '../../src-shared/api/model';
import { formatProblem } from '../config';
import { loadCliConfig } from './load-config';
import { problemAt } from '../config/problem';
import { defaultRegistry } from '../default-registry';
import { verifyAndRepair } from '../verify/repair';
import { formatVerifyReport, verifyJson } from '../verify/report';
import { NotVerifiable } from '../verify/shape';
import { createCliLogger } from './cli-logger';

/**
 * Exit codes of `fustgo verify`: every range matches (after repair, with `--repair`), some
 * differ, the config is invalid or not a copy verify can compare, or the comparison could not
 * finish (a database unreachable, a query refused).
 */
export const VERIFY_EXIT = { match: 0, mismatch: 1, invalid: 2, error: 3, interrupted: 130 } as const;

export interface VerifyCommandOptions {
  /** Ranges to cut the table into. */
  ranges?: number;
  /** Copy mismatched ranges again with upsert, then compare them again. */
  repair?: boolean;
  json?: boolean;
  /** `key=value` overrides of config values (`--set`). */
  set?: Record<string, string>;
  verbose?: boolean;
}

function printProblems(problems: ConfigProblem[]): void {
  for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
}

/**
 * `fustgo verify FILE`: compares the source and target tables of the pipeline range by range
 * (see `src-main/verify/verify.ts`), prints a line per range and a summary, or JSON.
 */
export async function verifyCommand(file: string, options: VerifyCommandOptions = {}): Promise<number> {
  const registry = defaultRegistry();
  const checked = await loadCliConfig(file, registry, { env: process.env, set: options.set });
  if (!checked.ok) {
    printProblems(checked.problems);
    return VERIFY_EXIT.invalid;
  }
  const logger = createCliLogger({ verbose: options.verbose });
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const { report, repair } = await verifyAndRepair(checked.loaded, {
      ranges: options.ranges,
      repair: options.repair,
      registry,
      logger,
      signal: controller.signal,
    });
    process.stdout.write(options.json ? verifyJson(report, repair) : formatVerifyReport(report, repair));
    const ok = repair ? repair.ok : report.summary.ok;
    return ok ? VERIFY_EXIT.match : VERIFY_EXIT.mismatch;
  } catch (error) {
    if (controller.signal.aborted) return VERIFY_EXIT.interrupted;
    if (error instanceof NotVerifiable) {
      // Located like a config problem: FILE:LINE:COL: path: why.
      printProblems([problemAt(checked.loaded.locate(error.path), error.path, error.reason)]);
      return VERIFY_EXIT.invalid;
    }
    const problems = (error as { problems?: unknown } | null)?.problems;
    if (Array.isArray(problems)) {
      printProblems(problems as ConfigProblem[]);
      return VERIFY_EXIT.invalid;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return VERIFY_EXIT.error;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
