import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The data dir of CLI commands: `FUSTGO_HOME`, else `~/.fustgo`, as `fustgo serve` resolves it
 * (not imported from there, which would load the server into every run).
 */
export function cliDataDir(): string {
  return resolve(process.env.FUSTGO_HOME ?? join(homedir(), '.fustgo'));
}
