import type { RunProgress } from '../../src-shared/api/model';

/*
 * The row counts a run gives each node of the flow graph, live and after it: the input the rows
 * it read, each processor what it was handed and passed on, the output what it wrote.
 */

/** Rows at one node: handed to it (absent for the input), passed on or written, and rejected. */
export interface NodeCount {
  in?: number;
  out: number;
  /** Skipped or dead-lettered (a processor) or refused (the output). */
  failed: number;
}

/** Counts by node id (the config path: `input`, `pipeline.processors[1]`, `output`). */
export function nodeCounts(progress: RunProgress | null | undefined): Record<string, NodeCount> {
  if (!progress) return {};
  const counts: Record<string, NodeCount> = {
    input: { out: progress.records_read, failed: 0 },
  };
  for (const step of progress.steps ?? [])
    counts[step.path] = {
      in: step.records_in,
      out: step.records_out,
      failed: step.records_skipped + step.records_failed,
    };
  const main = (progress.steps ?? []).filter((step) => /^pipeline\.processors\[\d+\]$/.test(step.path));
  const last = main[main.length - 1];
  counts.output = {
    in: last ? last.records_out : progress.records_read,
    out: progress.records_written,
    failed: Math.max(
      0,
      progress.records_failed - (progress.steps ?? []).reduce((n, s) => n + s.records_failed, 0),
    ),
  };
  return counts;
}
