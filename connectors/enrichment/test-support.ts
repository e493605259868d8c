import type { Row } from '../../src-main/engine/batch';
import type { BoundProcessor, ProcessContext } from '../../src-main/engine/component';

/** For the enrichment tests: runs one batch as the run does, `prepare` then `process`. */
export async function runBatch(bound: BoundProcessor, rows: Row[], ctx: ProcessContext): Promise<Row[]> {
  await bound.prepare?.(rows);
  return bound.process(rows, ctx);
}
