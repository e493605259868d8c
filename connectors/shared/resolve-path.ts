import path from 'node:path';

/** Resolves a path from a pipeline config against the pipeline file's folder (absolute paths stay). */
export function resolveConfigPath(baseDir: string, configPath: string): string {
  return path.resolve(baseDir, configPath);
}
