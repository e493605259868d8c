import type { ConfigProblem } from '../../src-shared/api/model';
import type { LoadedConfig } from '../config/load';
import { problemAt } from '../config/problem';
import { branchSections, CONDITIONAL, type PlacedComponent } from '../config/validate';
import { isKeyedMode } from '../../connectors/shared/sql/config';
import {
  BRANCH_CONDITION,
  buildEltSelect,
  EltRefusal,
  type EltSelect,
  type EltStep,
  type StagingColumn,
} from './generate';
import { ELT_DIALECTS, type EltDialect } from './render-expression';
import { ELT_WRITE_MODES, type EltWrite, type EltWriteMode } from './write-sql';

/*
 * What `job.type: ELT` asks of a config: SQL outputs in one database, each writing one table, and
 * processors the target's SQL expresses. A chain ending in a `conditional` becomes one route per
 * branch, each an INSERT … SELECT with the branch's conditions. Shared by validation, `fustgo run`
 * and `--explain`.
 */

/** The job types: ETL transforms rows in the engine; ELT loads them raw and transforms in the target. */
export const JOB_TYPES = ['ETL', 'ELT'] as const;

/** A table an ELT job writes. */
export interface EltTarget extends EltWrite {
  /** Where its output is in the config: `output`, `pipeline.processors[1].branches[0].output`. */
  path: string;
  /** `write.create_table` (default true). */
  createTable: boolean;
  /** The output section as written. */
  section: Record<string, unknown>;
}

/** One way rows take to a table: every step from the staging table on, and the table. */
export interface EltRoute {
  /** The branch's name, `when` or `else`; absent for a chain without a conditional. */
  label?: string;
  /** The main chain, then (for a branch) its conditions as steps, then its own processors. */
  steps: EltStep[];
  target: EltTarget;
}

/** An ELT job as the run executes it. */
export interface EltJob {
  dialect: EltDialect;
  routes: EltRoute[];
  /** Whether a step needs the rows' order: the staging table then numbers them. */
  ordered: boolean;
  /** Why the staging load must run in one lane (the rows' order must be the engine's), if it must. */
  oneLaneReason?: string;
}

/** Whether the config asks for ELT mode. */
export function isEltConfig(config: LoadedConfig['config']): boolean {
  return config.job?.type === 'ELT';
}

type Problem = { path: string; message: string };

const asSection = (value: unknown) => (value ?? {}) as Record<string, unknown>;

/** The database an output writes to, comparable between outputs (key order aside). */
function databaseOf(section: Record<string, unknown>): string {
  const where = section.type === 'sqlite' ? section.path : section.connection;
  const sorted = (value: unknown): unknown =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;
  return JSON.stringify(sorted(where));
}

/** The target of an output section, or its problems. */
function targetOf(path: string, section: Record<string, unknown>, problems: Problem[]): EltTarget {
  const write = asSection(section.write);
  const table = typeof write.table === 'string' ? write.table : '';
  if (table.includes('*'))
    problems.push({ path: `${path}.write.table`, message: 'ELT mode writes one table, not a table pattern' });
  const mode = (typeof write.mode === 'string' ? write.mode : 'insert') as EltWriteMode;
  if (!ELT_WRITE_MODES.includes(mode))
    problems.push({
      path: `${path}.write.mode`,
      message: `ELT mode writes with ${ELT_WRITE_MODES.join(', ')}, not ${mode}`,
    });
  const key = ((asSection(section.conflict).key ?? []) as string[]).filter((k) => typeof k === 'string');
  if (isKeyedMode(mode) && key.length === 0)
    problems.push({
      path: `${path}.conflict.key`,
      message: `${mode} needs the key columns that identify a row`,
    });
  return { path, table, mode, key, createTable: write.create_table !== false, section };
}

/** The conditions of branch `index` as steps: the earlier branches' `when` not TRUE, then its own. */
function branchConditions(
  branches: { path: string; section: Record<string, unknown> }[],
  index: number,
): EltStep[] {
  const steps: EltStep[] = [];
  branches.slice(0, index + 1).forEach(({ path, section }, i) => {
    if (typeof section.when !== 'string') return; // else: only the earlier branches' conditions
    steps.push({
      path: `${path}.when`,
      component: {
        type: BRANCH_CONDITION,
        condition: section.when,
        ...(i < index ? { mode: 'exclude' } : {}),
      },
    });
  });
  return steps;
}

/** The routes of a config's components (validated by their schemas), with the outputs' paths and sections. */
function routesOf(placed: PlacedComponent[]): {
  routes: { label?: string; steps: EltStep[]; output?: PlacedComponent }[];
} {
  const asStep = (p: PlacedComponent): EltStep => ({
    path: p.path,
    component: p.component as Record<string, unknown>,
  });
  const main = placed.filter((p) => p.kind === 'processor' && p.branch === undefined);
  const closing = main[main.length - 1];
  if (closing?.component.type !== CONDITIONAL) {
    const output = placed.find((p) => p.kind === 'output' && p.branch === undefined);
    return { routes: [{ steps: main.map(asStep), ...(output ? { output } : {}) }] };
  }
  const trunk = main.slice(0, -1).map(asStep);
  const branches = branchSections(closing.component, closing.path);
  return {
    routes: branches.map(({ path, section }, index) => {
      const inBranch = placed.filter((p) => p.branch === path);
      const output = inBranch.find((p) => p.kind === 'output');
      const label =
        typeof section.name === 'string'
          ? section.name
          : typeof section.when === 'string'
            ? section.when
            : 'else';
      return {
        label,
        steps: [
          ...trunk,
          ...branchConditions(branches, index),
          ...inBranch.filter((p) => p.kind === 'processor').map(asStep),
        ],
        ...(output ? { output } : {}),
      };
    }),
  };
}

/** The ELT job of a config's components (main chain and branches), or the problems that keep it from running in ELT mode. */
export function eltJobOf(placed: PlacedComponent[]): { job?: EltJob; problems: Problem[] } {
  const problems: Problem[] = [];
  const routes: EltRoute[] = [];
  let dialect: EltDialect | undefined;
  let first: EltTarget | undefined;
  for (const route of routesOf(placed).routes) {
    if (!route.output) return { problems: [{ path: 'output', message: 'ELT mode needs a SQL output' }] };
    const { path, component } = route.output;
    const type = component.type as EltDialect;
    if (!ELT_DIALECTS.includes(type)) {
      problems.push({
        path: `${path}.type`,
        message: `ELT mode runs the processors in the target database: the output must be ${ELT_DIALECTS.join(', ')}`,
      });
      continue;
    }
    const target = targetOf(path, component as Record<string, unknown>, problems);
    if (first && (type !== dialect || databaseOf(target.section) !== databaseOf(first.section)))
      problems.push({
        path: `${path}.${type === 'sqlite' ? 'path' : 'connection'}`,
        message: `ELT mode runs every branch in one database: write to the same ${dialect === 'sqlite' ? 'file' : 'database'} as ${first.path}`,
      });
    dialect ??= type;
    first ??= target;
    routes.push({ ...(route.label !== undefined ? { label: route.label } : {}), steps: route.steps, target });
  }
  if (problems.length > 0 || !dialect) return { problems };
  const deduplicates = routes.some((r) => r.steps.some((s) => s.component.type === 'deduplicate'));
  const ordered = deduplicates || routes.some((r) => isKeyedMode(r.target.mode));
  const job: EltJob = {
    dialect,
    routes,
    ordered,
    ...(deduplicates
      ? {
          oneLaneReason:
            'deduplicate keeps a key’s first or last row as the rows arrive: the staging load numbers them in one lane',
        }
      : {}),
  };
  return { job, problems };
}

/** The SELECT of one route over staging columns (undefined: not known yet), or its refusal. */
export function eltSelectOf(job: EltJob, route: EltRoute, stagingColumns?: StagingColumn[]): EltSelect {
  const { target } = route;
  return buildEltSelect(route.steps, stagingColumns, job.dialect, {
    ...(isKeyedMode(target.mode) ? { lastPerKey: { key: target.key, path: `${target.path}.conflict` } } : {}),
  });
}

/**
 * The problems of a `job.type: ELT` config, located like every config problem: the outputs it
 * needs, then per route the first processor or expression the target's SQL cannot express, with why.
 * `inputColumns` are the input's columns when its config alone says them.
 */
export function eltProblems(
  loaded: LoadedConfig,
  placed: PlacedComponent[],
  inputColumns?: StagingColumn[],
): ConfigProblem[] {
  if (!isEltConfig(loaded.config)) return [];
  const { job, problems } = eltJobOf(placed);
  const located = problems.map(({ path, message }) => problemAt(loaded.locate(path), path, message));
  if (!job) return located;
  const seen = new Set<string>();
  for (const route of job.routes) {
    try {
      eltSelectOf(job, route, inputColumns);
    } catch (error) {
      if (!(error instanceof EltRefusal)) throw error;
      // Branches share the main chain: its refusal is said once.
      if (seen.has(error.message)) continue;
      seen.add(error.message);
      const inside = error.offset !== undefined ? loaded.locateText(error.path, error.offset) : undefined;
      located.push(problemAt(inside ?? loaded.locate(error.path), error.path, error.reason));
    }
  }
  return located;
}
