import type { ConfigProblem } from '../../src-shared/api/model';
import type { LoadedConfig } from '../config/load';
import { problemAt } from '../config/problem';
import type { PlacedComponent } from '../config/validate';
import { buildEltSelect, EltRefusal, type EltSelect, type EltStep, type StagingColumn } from './generate';
import { ELT_DIALECTS, type EltDialect } from './render-expression';

/*
 * What `job.type: ELT` asks of a config: a SQL output writing one table with inserts, and a chain
 * of processors the target's SQL expresses. Shared by validation, `fustgo run` and `--explain`.
 */

/** The job types: ETL transforms rows in the engine; ELT loads them raw and transforms in the target. */
export const JOB_TYPES = ['ETL', 'ELT'] as const;

/** The write modes ELT mode supports (one INSERT … SELECT). */
export const ELT_WRITE_MODES = ['insert'];

/** An ELT job as the run executes it. */
export interface EltJob {
  dialect: EltDialect;
  /** `output.write.table`. */
  table: string;
  /** `output.write.create_table` (default true). */
  createTable: boolean;
  /** The main chain's processors. */
  steps: EltStep[];
}

/** Whether the config asks for ELT mode. */
export function isEltConfig(config: LoadedConfig['config']): boolean {
  return config.job?.type === 'ELT';
}

/** The ELT job of a config, or the problems (path, message) that keep it from running in ELT mode. */
export function eltJobOf(placed: PlacedComponent[]): {
  job?: EltJob;
  problems: { path: string; message: string }[];
} {
  const problems: { path: string; message: string }[] = [];
  const output = placed.find((p) => p.kind === 'output' && p.branch === undefined);
  const steps = placed
    .filter((p) => p.kind === 'processor' && p.branch === undefined)
    .map((p) => ({ path: p.path, component: p.component as Record<string, unknown> }));
  if (!output) return { problems: [{ path: 'output', message: 'ELT mode needs a SQL output' }] };
  const dialect = output.component.type as EltDialect;
  if (!ELT_DIALECTS.includes(dialect)) {
    problems.push({
      path: 'output.type',
      message: `ELT mode runs the processors in the target database: the output must be ${ELT_DIALECTS.join(', ')}`,
    });
    return { problems };
  }
  const write = (output.component.write ?? {}) as { table?: unknown; mode?: unknown; create_table?: unknown };
  const table = typeof write.table === 'string' ? write.table : '';
  if (table.includes('*'))
    problems.push({ path: 'output.write.table', message: 'ELT mode writes one table, not a table pattern' });
  const mode = typeof write.mode === 'string' ? write.mode : 'insert';
  if (!ELT_WRITE_MODES.includes(mode))
    problems.push({
      path: 'output.write.mode',
      message: `ELT mode supports write mode ${ELT_WRITE_MODES.join(', ')} (one INSERT … SELECT), not ${mode}`,
    });
  const job: EltJob = { dialect, table, createTable: write.create_table !== false, steps };
  return problems.length > 0 ? { problems } : { job, problems };
}

/** The SELECT of an ELT job over staging columns (undefined: not known yet), or its refusal. */
export function eltSelectOf(job: EltJob, stagingColumns?: StagingColumn[]): EltSelect {
  return buildEltSelect(job.steps, stagingColumns, job.dialect);
}

/**
 * The problems of a `job.type: ELT` config, located like every config problem: the output it
 * needs, then the first processor or expression the target's SQL cannot express, with why.
 * `inputColumns` are the input's columns when its config alone says them.
 */
export function eltProblems(
  loaded: LoadedConfig,
  placed: PlacedComponent[],
  inputColumns?: StagingColumn[],
): ConfigProblem[] {
  if (!isEltConfig(loaded.config)) return [];
  if (placed.some((p) => p.branch !== undefined))
    return [
      problemAt(
        loaded.locate('job.type'),
        'job.type',
        'ELT mode does not run conditional branches; run the job as ETL',
      ),
    ];
  const { job, problems } = eltJobOf(placed);
  const located = problems.map(({ path, message }) => problemAt(loaded.locate(path), path, message));
  if (!job) return located;
  try {
    eltSelectOf(job, inputColumns);
  } catch (error) {
    if (!(error instanceof EltRefusal)) throw error;
    const inside = error.offset !== undefined ? loaded.locateText(error.path, error.offset) : undefined;
    located.push(problemAt(inside ?? loaded.locate(error.path), error.path, error.reason));
  }
  return located;
}
