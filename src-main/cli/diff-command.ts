import type { ConfigProblem } from '../../src-shared/api/model';
import type { SchemaDiff } from '../../src-shared/api/diff-model';
import { formatProblem } from '../config';
import { problemAt } from '../config/problem';
import { defaultRegistry } from '../default-registry';
import { appliedLine, formatDdl, formatSchemaDiff } from '../diff/report';
import { applyStatements, diffPipeline, diffStatements, NotDiffable } from '../diff/schema-diff';
import { loadCliConfig } from './load-config';

/**
 * Exit codes of `fustgo diff`: the pipeline can write into its target as it is (warnings
 * allowed), it cannot (an incompatible column, a column or table the run would miss), the
 * config is invalid or its output has no tables, or the diff could not finish (a database
 * unreachable, a statement refused).
 */
export const DIFF_EXIT = { ok: 0, blocked: 1, invalid: 2, error: 3 } as const;

export interface DiffCommandOptions {
  json?: boolean;
  /** Print the DDL as a script instead of the comparison. */
  ddl?: boolean;
  /** Run the DDL on the target, then compare again. */
  apply?: boolean;
  /** `key=value` overrides of config values (`--set`). */
  set?: Record<string, string>;
}

/** Where the command writes; the process's streams unless a test captures them. */
export interface DiffStreams {
  out(text: string): void;
  err(text: string): void;
}

const processStreams: DiffStreams = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const isProblemList = (value: unknown): value is ConfigProblem[] => Array.isArray(value);

/**
 * `fustgo diff FILE [--json] [--ddl] [--apply]`: the columns the pipeline writes (after its
 * processors) beside its target table(s), with a status and a suggested type per column, and
 * the DDL that creates or fits the target; `--apply` runs that DDL (in one transaction where the
 * database allows) and compares again.
 */
export async function diffCommand(
  file: string,
  options: DiffCommandOptions = {},
  streams: DiffStreams = processStreams,
): Promise<number> {
  const registry = defaultRegistry();
  const checked = await loadCliConfig(file, registry, { env: process.env, set: options.set });
  const printProblems = (problems: ConfigProblem[]) => {
    for (const problem of problems) streams.err(`${formatProblem(problem)}\n`);
  };
  if (!checked.ok) {
    printProblems(checked.problems);
    return DIFF_EXIT.invalid;
  }
  const { loaded } = checked;
  const show = (diff: SchemaDiff) =>
    streams.out(options.ddl ? formatDdl(diff) : formatSchemaDiff(diff, file));
  try {
    const before = await diffPipeline(loaded, { registry });
    if (!options.apply) {
      if (options.json) streams.out(`${JSON.stringify(before, null, 2)}\n`);
      else show(before);
      return before.ok ? DIFF_EXIT.ok : DIFF_EXIT.blocked;
    }
    const statements = diffStatements(before);
    if (!options.json) show(before);
    if (statements.length === 0) {
      if (options.json) streams.out(`${JSON.stringify({ diff: before, applied: null }, null, 2)}\n`);
      else streams.out('nothing to apply: the target needs no change\n');
      return before.ok ? DIFF_EXIT.ok : DIFF_EXIT.blocked;
    }
    const applied = await applyStatements(loaded, statements, { registry });
    const after = await diffPipeline(loaded, { registry });
    if (options.json) streams.out(`${JSON.stringify({ diff: before, applied, after }, null, 2)}\n`);
    else {
      streams.out(`\n${appliedLine(applied)}\n\nafter applying:\n`);
      show(after);
    }
    return after.ok ? DIFF_EXIT.ok : DIFF_EXIT.blocked;
  } catch (error) {
    if (error instanceof NotDiffable) {
      printProblems([problemAt(loaded.locate(error.path), error.path, error.reason)]);
      return DIFF_EXIT.invalid;
    }
    const problems = (error as { problems?: unknown } | null)?.problems;
    if (isProblemList(problems)) {
      printProblems(problems);
      return DIFF_EXIT.invalid;
    }
    streams.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return DIFF_EXIT.error;
  }
}
