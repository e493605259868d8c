import { formatProblem } from '../config';
import { loadCliConfig } from './load-config';
import { defaultRegistry } from '../default-registry';

/**
 * `fustgo validate FILE…`: one `FILE:LINE:COL: path: message` line per problem on
 * stdout; resolves to the exit code (0 all valid, 1 otherwise).
 */
export async function validateCommand(files: string[]): Promise<number> {
  const registry = defaultRegistry();
  let invalid = 0;
  for (const file of files) {
    const result = await loadCliConfig(file, registry, { env: process.env });
    if (result.ok) {
      process.stdout.write(`${file}: valid\n`);
      continue;
    }
    invalid += 1;
    for (const problem of result.problems) process.stdout.write(`${formatProblem(problem)}\n`);
  }
  return invalid === 0 ? 0 : 1;
}
