import path from 'node:path';
import type { ConfigProblem } from '../../src-shared/api/model';

/** Where a config value was written: a file (or `--set`) and a 1-based line and column (0 when unknown). */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** A file name as the user should read it: relative to the working directory when it lies under it. */
export function displayFile(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** `FILE:LINE:COL: path: message`, the one line a user sees per problem (no path for the document root). */
export function formatProblem(problem: ConfigProblem): string {
  const where =
    problem.line > 0
      ? `${displayFile(problem.file)}:${problem.line}:${problem.col}`
      : displayFile(problem.file);
  return problem.path === ''
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}

/** Builds a problem at a known position. */
export function problemAt(at: SourcePosition, configPath: string, message: string): ConfigProblem {
  return { file: at.file, line: at.line, col: at.col, path: configPath, message };
}

/** Thrown when a config cannot be used; `message` holds every formatted problem, one per line. */
export class ConfigErrors extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigErrors';
  }
}
