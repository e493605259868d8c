import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';

/**
 * A temp folder that is also the working directory as `formatProblem` sees it, so
 * problems read exactly as a user running `fustgo` in that folder sees them.
 */
export async function createWorkspace(): Promise<{
  dir: string;
  write(name: string, text: string): Promise<string>;
  dispose(): Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fustgo-config-'));
  const cwd = vi.spyOn(process, 'cwd').mockReturnValue(dir);
  return {
    dir,
    async write(name, text) {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return file;
    },
    async dispose() {
      cwd.mockRestore();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
