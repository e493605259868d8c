import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createForkLauncher } from '../jobs/run-launcher';
import { startServer } from '../server/http-server';
import { createServices } from '../services';
import type { BundlePaths } from './bundle-paths';

export interface ServeOptions {
  port: number;
  host: string;
  data?: string;
}

/** The data dir: `--data`, else `FUSTGO_HOME`, else `~/.fustgo`. */
export function dataDirFor(data: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(data ?? env.FUSTGO_HOME ?? join(homedir(), '.fustgo'));
}

/**
 * `fustgo serve`: the headless host. Runs until SIGINT/SIGTERM, then closes the server
 * and the services (which cancel running runs) before exiting.
 */
export async function serveCommand(
  options: ServeOptions,
  paths: BundlePaths,
  version: string,
): Promise<void> {
  const dataDir = dataDirFor(options.data);
  mkdirSync(dataDir, { recursive: true });
  const launcher = createForkLauncher({ workerPath: paths.runWorker, execArgv: paths.workerExecArgv });
  const services = await createServices({
    dataDir,
    examplesDir: paths.examplesDir,
    launcher,
    logToStdout: true,
  });
  const server = await startServer({
    services,
    host: options.host,
    port: options.port,
    staticDir: paths.rendererDir,
    version,
  });
  process.stdout.write(`FustGo Studio is running at ${server.url}\n`);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await server.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
