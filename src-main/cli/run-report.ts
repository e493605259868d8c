import { formatCount } from '../../src-shared/text/count';

/** Text the `run` command shows: the live progress line and the closing summary. */

/** The statistics the report reads (a subset of the engine's RunStats). */
export interface RunFigures {
  records_read: number;
  records_written: number;
  records_failed: number;
  rows_per_second: number;
  elapsed_ms: number;
  total: number | null;
}

/** `1:05`, `1:02:03`. */
export function formatClock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `850 ms`, `12.3 s`, `2:05`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatClock(ms);
}

/**
 * One progress line: a bar, percentage and ETA when the total is known, else the
 * running count; always the rate.
 */
export function progressLine(stats: RunFigures, width = 24): string {
  const rate = `${formatCount(Math.round(stats.rows_per_second))} rows/s`;
  if (stats.total === null || stats.total <= 0) {
    return `${formatCount(stats.records_read)} rows read  ${rate}  ${formatClock(stats.elapsed_ms)}`;
  }
  const fraction = Math.min(1, stats.records_read / stats.total);
  const filled = Math.round(fraction * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const remaining = stats.total - stats.records_read;
  const eta = stats.rows_per_second > 0 ? formatClock((remaining / stats.rows_per_second) * 1000) : '?';
  const percent = `${(fraction * 100).toFixed(1)}%`;
  return `${bar} ${percent}  ${formatCount(stats.records_read)}/${formatCount(stats.total)} rows  ${rate}  ETA ${eta}`;
}

/** The closing summary: read, written, failed, duration, rows/s. */
export function summaryLine(stats: RunFigures): string {
  const rate = stats.elapsed_ms > 0 ? (stats.records_read * 1000) / stats.elapsed_ms : stats.rows_per_second;
  return [
    `read ${formatCount(stats.records_read)}`,
    `written ${formatCount(stats.records_written)}`,
    `failed ${formatCount(stats.records_failed)}`,
    `in ${formatDuration(stats.elapsed_ms)}`,
    `${formatCount(Math.round(rate))} rows/s`,
  ].join(', ');
}

/** The counters of one table of a multi-table copy (the engine's StreamStats). */
export interface TableFigures {
  records_read: number;
  records_written: number;
  records_failed: number;
}

/** Rows as aligned columns: the first to the left, the others (counts) to the right, two spaces apart. */
function alignedRows(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * One aligned line per table of a multi-table copy, under a header, in the order the input
 * listed them; nothing for a run of one table.
 */
export function tablesReport(tables: Record<string, TableFigures> | undefined): string[] {
  const entries = Object.entries(tables ?? {});
  if (entries.length === 0) return [];
  return alignedRows([
    ['table', 'read', 'written', 'failed'],
    ...entries.map(([name, t]) => [
      name,
      formatCount(t.records_read),
      formatCount(t.records_written),
      formatCount(t.records_failed),
    ]),
  ]);
}

/** The counters of one processor (the engine's ProcessorStats). */
export interface ProcessorFigures {
  type: string;
  records_in: number;
  records_out: number;
  records_dropped: number;
  records_skipped: number;
  records_failed: number;
}

/**
 * Where every row went: one aligned line per processor (rows in, out, dropped without an error,
 * skipped and dead-lettered for an error), then the balance of the run, e.g.
 * `rows: 1,000 read = 985 written + 10 dropped + 5 failed`. Nothing for a run without processors.
 */
export function processorsReport(
  stats: Pick<RunFigures, 'records_read' | 'records_written' | 'records_failed'> & {
    processors?: Record<string, ProcessorFigures>;
  },
): string[] {
  const entries = Object.entries(stats.processors ?? {});
  if (entries.length === 0) return [];
  const lines = alignedRows([
    ['processor', 'in', 'out', 'dropped', 'skipped', 'failed'],
    ...entries.map(([path, p]) => [
      p.type ? `${path} ${p.type}` : path,
      ...[p.records_in, p.records_out, p.records_dropped, p.records_skipped, p.records_failed].map(
        formatCount,
      ),
    ]),
  ]);
  return [...lines, balanceLine(stats.records_read, stats.records_written, stats.records_failed, entries)];
}

/** `rows: 1,000 read + 200 added = 1,185 written + 10 dropped + 5 failed`, with what is not accounted for. */
function balanceLine(
  read: number,
  written: number,
  failed: number,
  processors: [string, ProcessorFigures][],
): string {
  let added = 0;
  let dropped = 0;
  let skipped = 0;
  for (const [, p] of processors) {
    // Rows a processor made beyond those it was handed (split), as the stats count dropped ones.
    added += Math.max(0, p.records_out - (p.records_in - p.records_skipped - p.records_failed));
    dropped += p.records_dropped;
    skipped += p.records_skipped;
  }
  const left = read + added - (written + dropped + skipped + failed);
  const terms = [`${formatCount(written)} written`];
  if (dropped > 0) terms.push(`${formatCount(dropped)} dropped`);
  if (skipped > 0) terms.push(`${formatCount(skipped)} skipped`);
  if (failed > 0) terms.push(`${formatCount(failed)} failed`);
  // Rows still between stages when a run stopped early.
  if (left > 0) terms.push(`${formatCount(left)} not finished`);
  const source =
    added > 0 ? `${formatCount(read)} read + ${formatCount(added)} added` : `${formatCount(read)} read`;
  return `rows: ${source} = ${terms.join(' + ')}`;
}

/** The counters of one branch of a `conditional` (the engine's BranchStats). */
export interface BranchFigures {
  name: string;
  output: string;
  records_in: number;
  records_written: number;
  records_failed: number;
}

/** A branch's name for the report: conditions can be long. */
function shortLabel(label: string, max = 40): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/**
 * Where rows went per branch of a `conditional`: one aligned line per branch (rows it got, its
 * output wrote, its output rejected), in config order; nothing for a run without branches.
 */
export function branchesReport(branches: Record<string, BranchFigures> | undefined): string[] {
  const entries = Object.entries(branches ?? {});
  if (entries.length === 0) return [];
  return alignedRows([
    ['branch', 'output', 'in', 'written', 'failed'],
    ...entries.map(([, b]) => [
      shortLabel(b.name),
      b.output,
      formatCount(b.records_in),
      formatCount(b.records_written),
      formatCount(b.records_failed),
    ]),
  ]);
}

/**
 * Redraws one line on a terminal stream, at most every `intervalMs` (the last state
 * is always drawn by `finish`, so throttling loses nothing the user needs).
 */
export function createProgressDisplay(stream: NodeJS.WriteStream, intervalMs = 100) {
  let lastDraw = 0;
  let shown = false;
  return {
    update(stats: RunFigures): void {
      const now = Date.now();
      if (now - lastDraw < intervalMs) return;
      lastDraw = now;
      // A terminal that does not report its size (columns 0 or unset) gets a full line.
      const line = progressLine(stats).slice(0, Math.max(20, (stream.columns || 120) - 1));
      stream.write(`\r\x1b[K${line}`);
      shown = true;
    },
    /** Clears the line so other output (logs, the summary) starts at column 0. */
    clear(): void {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
