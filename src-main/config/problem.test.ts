import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigErrors, formatProblem } from './problem';

describe('formatProblem', () => {
  const problem = {
    line: 12,
    col: 7,
    path: 'pipeline.processors[1].condition',
    message: 'unknown column "qtty"',
  };

  it('shows files under the working directory relative to it', () => {
    const file = path.join(process.cwd(), 'pipelines', 'orders.yaml');
    expect(formatProblem({ ...problem, file })).toBe(
      'pipelines/orders.yaml:12:7: pipeline.processors[1].condition: unknown column "qtty"',
    );
  });

  it('keeps other files absolute and leaves out unknown positions and the root path', () => {
    const outside = path.resolve(process.cwd(), '..', 'elsewhere.yaml');
    expect(formatProblem({ ...problem, file: outside })).toBe(
      `${outside}:12:7: ${problem.path}: ${problem.message}`,
    );
    expect(formatProblem({ file: '--set', line: 0, col: 0, path: 'a', message: 'm' })).toBe('--set: a: m');
    expect(formatProblem({ file: 'x.yaml', line: 1, col: 1, path: '', message: 'the file is empty' })).toBe(
      'x.yaml:1:1: the file is empty',
    );
  });

  it('ConfigErrors carries the problems and says them one per line', () => {
    const problems = [
      { file: 'a.yaml', line: 1, col: 1, path: 'version', message: 'must be 1' },
      { file: 'a.yaml', line: 2, col: 3, path: 'output', message: 'missing required field "path"' },
    ];
    const error = new ConfigErrors(problems);
    expect(error.problems).toBe(problems);
    expect(error.message).toBe(
      'a.yaml:1:1: version: must be 1\na.yaml:2:3: output: missing required field "path"',
    );
  });
});
