import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project root (where `bin/fustgo.js` lives). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A running `fustgo serve` with its own data dir. */
export interface StudioServer {
  url: string;
  dataDir: string;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

const READY_LINE = /running at (http:\/\/\S+)/;

/**
 * Starts `node bin/fustgo.js serve` on a free port with `dataDir` and resolves once the
 * server printed its URL and `/api/v1/health` answers. Needs `npm run build` first.
 */
export async function startStudioServer(dataDir: string, timeoutMs = 30_000): Promise<StudioServer> {
  if (!existsSync(`${REPO_ROOT}/out/main/cli.js`)) {
    throw new Error('out/main/cli.js is missing: run `npm run build` before the e2e tests');
  }
  const child = spawn(
    process.execPath,
    ['bin/fustgo.js', 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir],
    { cwd: REPO_ROOT, env: { ...process.env, FUSTGO_HOME: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const printed: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => printed.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => printed.push(chunk.toString()));
  const url = await waitForUrl(child, timeoutMs);
  await waitForHealth(url, timeoutMs);
  return { url, dataDir, output: () => printed.join(''), stop: () => stopChild(child) };
}

function waitForUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`fustgo serve ${reason}; output:\n${output}`));
    };
    const timer = setTimeout(() => fail(`printed no URL within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null) => fail(`exited with code ${code}`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.ok) return;
      lastError = new Error(`health answered ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/api/v1/health never answered: ${String(lastError)}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
