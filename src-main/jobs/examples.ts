import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import type { Example } from '../../src-shared/api/model';

function describedJob(yaml: string): { name?: unknown; description?: unknown } {
  try {
    const doc: unknown = parse(yaml);
    const job = typeof doc === 'object' && doc !== null ? (doc as { job?: unknown }).job : undefined;
    return typeof job === 'object' && job !== null ? job : {};
  } catch {
    // A broken example is still listed: opening it shows the located problems.
    return {};
  }
}

/** The example pipelines (`*.yaml`) of a folder, by file name; none when the folder is missing. */
export async function listExampleFiles(dir: string): Promise<Example[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = entries.filter((f) => f.endsWith('.yaml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const config_yaml = await readFile(join(dir, file), 'utf8');
      const name = basename(file, '.yaml');
      const job = describedJob(config_yaml);
      return {
        name,
        title: typeof job.name === 'string' ? job.name : name,
        description: typeof job.description === 'string' ? job.description : '',
        config_yaml,
      };
    }),
  );
}
