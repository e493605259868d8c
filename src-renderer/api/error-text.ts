import { ApiError } from '../../src-shared/api/errors';
import type { ConfigProblem } from '../../src-shared/api/model';

/** An error as the UI shows it: a message and, for invalid configs, one line per located problem. */
export interface ErrorText {
  message: string;
  problems: string[];
}

function isProblem(value: unknown): value is ConfigProblem {
  const p = value as Partial<ConfigProblem> | null;
  return typeof p?.message === 'string' && typeof p.line === 'number' && typeof p.path === 'string';
}

/** `FILE:LINE:COL: path: message`, the format of every config error. */
export function problemLine(problem: ConfigProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.col}`;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** The problems an `invalid_config` error carries, as a list or under `problems`. */
export function problemsOf(details: unknown): ConfigProblem[] {
  const list = Array.isArray(details)
    ? details
    : Array.isArray((details as { problems?: unknown } | null)?.problems)
      ? (details as { problems: unknown[] }).problems
      : [];
  return list.filter(isProblem);
}

/** Turns whatever a call threw into what the UI shows. */
export function errorText(error: unknown): ErrorText {
  if (error instanceof ApiError) {
    const problems = error.code === 'invalid_config' ? problemsOf(error.details).map(problemLine) : [];
    return { message: error.message, problems };
  }
  return { message: error instanceof Error ? error.message : String(error), problems: [] };
}
