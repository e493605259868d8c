import { formatCount } from '../../src-shared/text/count';
import type { RepairReport } from './repair';
import type { VerifyReport } from './verify';

/** How the ranges were drawn, in words. */
const METHODS = { single: 'one range', even: 'equal key spans', quantile: 'sample quantiles (skewed keys)' };

const rows = (n: number) => `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A table of left-aligned (text) and right-aligned (numbers) columns. */
function table(header: string[], rows: string[][], rightAligned: Set<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The report as the terminal shows it: what was compared, one line per range, notes, a summary. */
export function formatVerifyReport(report: VerifyReport, repair?: RepairReport): string {
  const lines: string[] = [];
  const filter = report.source.filter ? ` (filter: ${report.source.filter})` : '';
  lines.push(`verify ${report.file}`);
  lines.push(`  source  ${report.source.side}${filter}`);
  lines.push(`  target  ${report.target.side}`);
  const key = report.key
    ? `${report.key.source === report.key.target ? report.key.source : `${report.key.source} → ${report.key.target}`} (${report.key.origin}), ${report.ranges.length} ranges by ${METHODS[report.key.method]}`
    : 'none, the whole table as one range';
  lines.push(`  key     ${key}; ${report.columns.length} columns compared`);
  lines.push('');
  lines.push(
    ...table(
      ['range', 'key interval', 'source rows', 'target rows', 'result'],
      report.ranges.map((r) => [
        String(r.index),
        r.interval,
        formatCount(r.source.rows),
        formatCount(r.target.rows),
        r.match ? 'match' : 'MISMATCH',
      ]),
      new Set([0, 2, 3]),
    ),
  );
  for (const note of report.notes) lines.push(`note: ${note}`);
  const { summary } = report;
  const mismatched = report.ranges.filter((r) => !r.match).map((r) => r.index);
  const verdict = summary.ok
    ? `all ${summary.ranges} ranges match`
    : `${summary.matched} of ${summary.ranges} ranges match, ${summary.mismatched} mismatched (${mismatched.join(', ')})`;
  lines.push(
    `${verdict}; source ${rows(summary.sourceRows)}, target ${rows(summary.targetRows)} (${seconds(report.durationMs)})`,
  );
  if (repair) lines.push('', ...formatRepair(report, repair));
  return `${lines.join('\n')}\n`;
}

function formatRepair(report: VerifyReport, repair: RepairReport): string[] {
  const lines = [`repair: upsert on ${repair.conflictKey.join(', ')}`];
  const keyName = report.key?.target ?? repair.conflictKey.join(', ');
  for (const range of repair.ranges) {
    const head = `  range ${range.index} ${range.interval}: ${rows(range.rowsCopied)} copied again`;
    if (range.status !== 'completed') {
      lines.push(`${head}, the run ${range.status}: ${range.error ?? ''}`.trimEnd());
      continue;
    }
    if (range.after.match) {
      lines.push(`${head} → match`);
      continue;
    }
    const { after } = range;
    let why: string;
    if (range.extraRows > 0) {
      const keys = range.extraKeys?.length
        ? ` (${keyName} ${range.extraKeys.join(', ')}${range.extraRows > range.extraKeys.length ? ', …' : ''})`
        : '';
      why = `${rows(range.extraRows)} only in the target${keys}, which verify does not delete`;
    } else {
      why = `source ${rows(after.source.rows)}, target ${rows(after.target.rows)}: values the copy does not reproduce exactly`;
    }
    lines.push(`${head} → still differs: ${why}`);
  }
  const fixed = repair.ranges.filter((r) => r.after.match).length;
  lines.push(
    `after repair: ${fixed} of ${repair.ranges.length} repaired ranges match (${seconds(repair.durationMs)})`,
  );
  return lines;
}

/** The report for machines: `--json`, with 64-bit keys and sums as decimal strings. */
export function verifyJson(report: VerifyReport, repair?: RepairReport): string {
  return `${JSON.stringify(repair ? { ...report, repair } : report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
}
