import type { ComponentConfig } from '../../src-shared/config/pipeline';
import { andConditions, rangeCondition, type KeyRange } from '../../connectors/shared/sql/key-ranges';
import { buildPlan, type LoadedConfig, type SpecLookup } from '../config';
import { defaultRegistry } from '../default-registry';
import { silentLogger, type Logger } from '../engine/component';
import { runPipeline, type RunResult } from '../engine/runtime';
import { NotVerifiable } from './shape';
import {
  buildReport,
  DEFAULT_RANGES,
  Verification,
  type RangeCheck,
  type RangeKey,
  type VerifyOptions,
  type VerifyReport,
} from './verify';

/*
 * `fustgo verify --repair`: copies the mismatched ranges again, each with the pipeline itself
 * (its input filter ANDed with the range, `write.mode: upsert` on the conflict key), then
 * compares them again. Upsert restores changed and missing rows. Rows the target has and the
 * source lacks are reported with their keys, never deleted: the target table may rightly hold
 * rows from elsewhere (another pipeline, rows the filter leaves out), and only the user can say.
 */

/** Keys listed per range at most when naming extra rows; larger ranges give only the count. */
const EXTRA_KEYS_LISTED = 100_000;
/** Extra keys a report names per range. */
const EXTRA_KEYS_SHOWN = 20;

export interface RepairOptions extends VerifyOptions {
  /** Components for building the repair runs (default: the default registry). */
  registry?: SpecLookup;
  /** Where the repair runs log. */
  logger?: Logger;
}

/** What repairing one range did. */
export interface RangeRepair {
  index: number;
  interval: string;
  status: RunResult['status'];
  /** Rows the repair run wrote. */
  rowsCopied: number;
  error?: string;
  /** The range compared again after the repair. */
  after: RangeCheck;
  /** Rows of the target's range beyond the source's: rows the source does not have. */
  extraRows: number;
  /** Keys of those rows (the first 20), when the range is small enough to list. */
  extraKeys?: string[];
}

export interface RepairReport {
  conflictKey: string[];
  ranges: RangeRepair[];
  /** Every repaired range matches now. */
  ok: boolean;
  durationMs: number;
}

/** The pipeline restricted to one range and turned into an upsert; pre_sql and post_sql left out (a pre_sql may empty the table). */
export function repairConfig(
  verification: Verification,
  key: RangeKey | null,
  range: KeyRange,
  conflictKey: string[],
): LoadedConfig {
  const { loaded, shape, sourceDigester } = verification;
  const config = structuredClone(loaded.config);
  const query = config.input.query as Record<string, unknown>;
  const filter = andConditions(
    shape.filter,
    key ? rangeCondition(range, sourceDigester.quoteIdent(key.source)) : undefined,
  );
  if (filter !== undefined) query.filter = filter;
  // verifyShape refused a pipeline without a top-level output.
  const output = config.output as ComponentConfig;
  output.write = { ...(output.write as Record<string, unknown>), mode: 'upsert' };
  output.conflict = { key: conflictKey };
  delete output.pre_sql;
  delete output.post_sql;
  return { ...loaded, config };
}

/** Keys the target's range has and the source's lacks, when both fit `EXTRA_KEYS_LISTED`. */
async function extraKeys(
  verification: Verification,
  key: RangeKey,
  range: KeyRange,
): Promise<string[] | undefined> {
  const [source, target] = await Promise.all([
    verification.sourceDigester.rangeKeys({
      table: verification.shape.source.table,
      key: key.source,
      range,
      filter: verification.shape.filter,
      limit: EXTRA_KEYS_LISTED,
    }),
    verification.targetDigester.rangeKeys({
      table: verification.shape.target.table,
      key: key.target,
      range,
      limit: EXTRA_KEYS_LISTED,
    }),
  ]);
  if (!source || !target) return undefined;
  const present = new Set(source);
  return target
    .filter((k) => !present.has(k))
    .slice(0, EXTRA_KEYS_SHOWN)
    .map(String);
}

/** Copies the mismatched ranges of `report` again with upsert, then compares them again. */
export async function repairMismatches(
  verification: Verification,
  report: VerifyReport,
  options: RepairOptions = {},
): Promise<RepairReport> {
  const started = performance.now();
  const key = report.key;
  const conflictKey =
    verification.shape.conflictKey.length > 0 ? verification.shape.conflictKey : key ? [key.target] : [];
  if (conflictKey.length === 0)
    throw new NotVerifiable(
      'output.conflict.key',
      'repair upserts rows and needs the key that identifies them: set output.conflict.key',
    );
  const { table } = verification.shape.target;
  if (!(await verification.targetDigester.hasUniqueKey(table, conflictKey)))
    throw new NotVerifiable(
      'output.conflict.key',
      `repair upserts on ${conflictKey.join(', ')}, but the target table ${table} has no primary key or unique index on exactly those columns: ` +
        'the upsert could not find the rows to replace (MySQL would even add duplicates); add one, then repair',
    );
  const registry = options.registry ?? defaultRegistry();
  const logger = options.logger ?? silentLogger;
  const mismatched = report.ranges.filter((r) => !r.match);
  const runs: Omit<RangeRepair, 'after' | 'extraRows'>[] = [];
  for (const check of mismatched) {
    options.signal?.throwIfAborted();
    const controller = new AbortController();
    const stop = () => controller.abort();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      const plan = await buildPlan(repairConfig(verification, key, check.range, conflictKey), registry, {
        logger,
        signal: controller.signal,
      });
      const result = await runPipeline(plan, { logger, signal: controller.signal });
      runs.push({
        index: check.index,
        interval: check.interval,
        status: result.status,
        rowsCopied: result.records_written,
        ...(result.error ? { error: result.error } : {}),
      });
    } finally {
      options.signal?.removeEventListener('abort', stop);
    }
  }
  const after = await verification.check(
    key,
    mismatched.map((c) => c.range),
  );
  const ranges: RangeRepair[] = [];
  for (let i = 0; i < runs.length; i++) {
    const check = after[i];
    const extraRows = check.match ? 0 : Math.max(0, check.target.rows - check.source.rows);
    const keys = extraRows > 0 && key ? await extraKeys(verification, key, check.range) : undefined;
    ranges.push({ ...runs[i], after: check, extraRows, ...(keys ? { extraKeys: keys } : {}) });
  }
  return {
    conflictKey,
    ranges,
    ok: ranges.every((r) => r.after.match),
    durationMs: Math.round(performance.now() - started),
  };
}

/** Verifies a pipeline's copy and, when ranges mismatch, repairs them (see `repairMismatches`). */
export async function verifyAndRepair(
  loaded: LoadedConfig,
  options: RepairOptions & { repair?: boolean } = {},
): Promise<{ report: VerifyReport; repair?: RepairReport }> {
  const started = performance.now();
  const verification = await Verification.open(loaded, options);
  try {
    const { key, ranges } = await verification.plan(options.ranges ?? DEFAULT_RANGES);
    const checks = await verification.check(key, ranges);
    const report = buildReport(verification, key, checks, Math.round(performance.now() - started));
    if (!options.repair || report.summary.ok) return { report };
    return { report, repair: await repairMismatches(verification, report, options) };
  } finally {
    await verification.close();
  }
}
