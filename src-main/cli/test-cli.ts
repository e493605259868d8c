import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * For tests that run the `fustgo` command as users do: one way to start it, with its own data
 * dir, and the exit code and output to assert on.
 */

/** The project root (where `bin/fustgo.js` lives). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Whether the CLI bundle is built (`npm run build`); tests of the bundled bin skip without it. */
export const CLI_BUILT = existsSync(join(REPO_ROOT, 'out', 'main', 'cli.js'));

/** The built bin, or the sources through tsx before a build. */
const COMMAND = CLI_BUILT
  ? [join(REPO_ROOT, 'bin', 'fustgo.js')]
  : ['--import', 'tsx', join(REPO_ROOT, 'src-main', 'cli', 'index.ts')];

export interface CliResult {
  /** The exit code (null when the process was killed, e.g. by the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** `FUSTGO_HOME`, the CLI's data dir; default `<cwd>/home`, so tests never share one. */
  home?: string;
  /** Variables on top of this process's environment. */
  env?: Record<string, string>;
  /** Written to the command's standard input. */
  input?: string;
  timeoutMs?: number;
}

/** Runs `fustgo ...args` to its end. */
export function runFustgo(args: string[], options: CliOptions): CliResult {
  const result = spawnSync(process.execPath, [...COMMAND, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    ...(options.input !== undefined ? { input: options.input } : {}),
    env: { ...process.env, FUSTGO_HOME: options.home ?? join(options.cwd, 'home'), ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
