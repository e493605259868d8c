import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Files the CLI needs beside its own code, found from the entry module's location. */
export interface BundlePaths {
  /** The run-worker entry each run is forked from. */
  runWorker: string;
  /** Node flags for the forked worker (loading TypeScript when running from source). */
  workerExecArgv: string[];
  /** The built web studio. */
  rendererDir: string;
  /** Example pipelines shipped with the package. */
  examplesDir: string;
  packageJson: string;
}

/**
 * Resolves the paths for the bundle (`out/main/cli.js`, siblings `run-worker.js` and
 * `../renderer`) or for the sources run through tsx (`src-main/cli/index.ts`). Resolved
 * from the entry's URL: code-split chunks may live elsewhere in `out/main`.
 */
export function bundlePaths(entryUrl: string): BundlePaths {
  const entryDir = dirname(fileURLToPath(entryUrl));
  const root = join(entryDir, '..', '..');
  const fromSource = entryUrl.endsWith('.ts');
  return {
    runWorker: fromSource ? join(root, 'src-main', 'jobs', 'run-worker.ts') : join(entryDir, 'run-worker.js'),
    workerExecArgv: fromSource ? ['--import', 'tsx'] : [],
    rendererDir: fromSource ? join(root, 'out', 'renderer') : join(entryDir, '..', 'renderer'),
    examplesDir: join(root, 'resources', 'examples'),
    packageJson: join(root, 'package.json'),
  };
}
