import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import { silentLogger, type ComponentContext, type Input } from '../../src-main/engine/component';

/** Helpers for connector tests: the context a run gives components, and reading an input out. */

/** A component context as a run builds it, with relative paths resolving against `baseDir`. */
export function testContext(baseDir = '.'): ComponentContext {
  return { baseDir, jobName: 'test', logger: silentLogger, signal: new AbortController().signal };
}

/** A fresh temporary folder with a context rooted in it; `dispose` removes the folder. */
export function tempContext(prefix: string): { dir: string; ctx: ComponentContext; dispose: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `fustgo-${prefix}-`));
  return { dir, ctx: testContext(dir), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every batch lane 0 of 1 reads, the rows flattened; closes the input. */
export async function readInput(
  input: Input,
  ctx: ComponentContext,
): Promise<{ columns: Column[]; rows: Row[]; batches: Batch[] }> {
  const batches: Batch[] = [];
  try {
    for await (const batch of input.read(0, 1, ctx.signal)) batches.push(batch);
  } finally {
    await input.close?.();
  }
  return { columns: batches[0]?.columns ?? [], rows: batches.flatMap((b) => b.rows), batches };
}
