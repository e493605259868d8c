import path from 'node:path';
import { Type as T } from '@sinclair/typebox';
import type { ComponentConfig } from '../../src-shared/config/pipeline';
import type { ConfigProblem } from '../../src-shared/api/model';
import type { Column } from '../../src-shared/types/logical';
import { FieldError, silentLogger, type ComponentContext, type ComponentKind } from '../engine/component';
import { DEFAULT_ON_ERROR, ON_ERROR_MODES, type OnError } from '../engine/processor-chain';
import { PERCENT_MIN_ROWS } from '../engine/rejects';
import { closestNames } from '../engine/similar';
import { childPath, joinPath, pathContains } from './config-path';
import { checkAgainst, componentFields, type SpecLookup } from './component-fields';
import type { LoadedConfig } from './load';
import { problemAt } from './problem';
import type { SchemaIssue } from './schema-errors';
import { eltProblems, JOB_TYPES } from '../elt/elt-config';
import { cronProblem, isTimeZone } from '../../src-shared/config/schedule';

/** `"1%"`, `"0.5%"`: a percentage from 0 to 100. */
const ERROR_LIMIT_PERCENT = '^(100(\\.0+)?|\\d{1,2}(\\.\\d+)?)%$';

/** A component section as the top level sees it: a `type` plus fields its own schema checks. */
const ComponentSection = T.Object({ type: T.String({ minLength: 1 }) }, { additionalProperties: true });

/** `on_error`, beside `type` in every processor: the runtime applies it, whatever the processor. */
export const OnErrorSchema = T.Union(
  ON_ERROR_MODES.map((mode) => T.Literal(mode)),
  {
    description:
      'What happens to a row this processor cannot process (a bad cast, bad JSON, a function error): ' +
      'dead_letter keeps it in the dead-letter file with the error and counts it as failed (see pipeline.error_limit); ' +
      'skip drops it, counted and said in the run notes; fail stops the run, naming the row.',
    default: DEFAULT_ON_ERROR,
  },
);

/** A processor section as the top level sees it: `type`, `on_error`, and fields its own schema checks. */
const ProcessorSection = T.Object(
  { type: T.String({ minLength: 1 }), on_error: T.Optional(OnErrorSchema) },
  { additionalProperties: true },
);

/** The sections of the top level of a pipeline config (version 1). */
const topLevelSections = {
  version: T.Literal(1),
  job: T.Optional(
    T.Object(
      {
        name: T.Optional(T.String({ minLength: 1 })),
        type: T.Optional(
          T.Union(
            JOB_TYPES.map((type) => T.Literal(type)),
            {
              description:
                'ETL transforms rows in the engine; ELT loads the input raw into a staging table of the SQL output and runs the processors there as SQL.',
              default: 'ETL',
            },
          ),
        ),
        schedule: T.Optional(
          T.String({
            description:
              'When the job runs by itself: a cron expression (minute hour day-of-month month day-of-week, optionally seconds first), in job.timezone.',
            examples: ['0 2 * * *', '*/15 * * * *', '0 8 * * 1-5'],
          }),
        ),
        timezone: T.Optional(
          T.String({
            description:
              'IANA time zone the schedule is read in (e.g. Asia/Shanghai); default the machine’s.',
            examples: ['Asia/Shanghai', 'UTC', 'Europe/Berlin'],
          }),
        ),
        description: T.Optional(T.String()),
        retry: T.Optional(
          T.Object(
            {
              attempts: T.Optional(
                T.Integer({
                  minimum: 0,
                  maximum: 100,
                  default: 0,
                  description:
                    'Runs started again after a failed run (a crash, a dropped connection, an error), each resuming from the failed run’s checkpoints. 0: never retry by itself.',
                }),
              ),
              delay_seconds: T.Optional(
                T.Number({
                  minimum: 0,
                  default: 30,
                  description: 'Seconds before the first retry; each next retry waits twice as long.',
                }),
              ),
              max_delay_seconds: T.Optional(
                T.Number({ minimum: 0, default: 900, description: 'Longest wait between two retries.' }),
              ),
            },
            { additionalProperties: false, description: 'What happens after a failed run.' },
          ),
        ),
        missed: T.Optional(
          T.Union([T.Literal('skip'), T.Literal('run_once')], {
            default: 'skip',
            description:
              'Scheduled runs missed while the studio was closed: skip them, or run once when it starts.',
          }),
        ),
        overlap: T.Optional(
          T.Union([T.Literal('skip'), T.Literal('queue')], {
            default: 'skip',
            description:
              'A scheduled or triggered run that comes while the job is still running: skip it, or queue it to run after.',
          }),
        ),
        after: T.Optional(
          T.Array(T.String({ minLength: 1 }), {
            description:
              'Jobs (by name) whose successful run starts this one: a dependency graph across jobs.',
            examples: [['load-customers']],
          }),
        ),
        triggers: T.Optional(
          T.Object(
            {
              webhook: T.Optional(
                T.Boolean({
                  default: false,
                  description: 'Start a run when the job’s webhook URL is called (POST).',
                }),
              ),
              file: T.Optional(
                T.Object(
                  {
                    path: T.String({ minLength: 1, description: 'Folder to watch.' }),
                    pattern: T.Optional(
                      T.String({
                        description: 'File names that start a run (glob, e.g. *.csv); default any.',
                      }),
                    ),
                  },
                  {
                    additionalProperties: false,
                    description: 'Start a run when a file appears in a folder.',
                  },
                ),
              ),
            },
            { additionalProperties: false, description: 'What else starts the job besides its schedule.' },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  input: ComponentSection,
  pipeline: T.Optional(
    T.Object(
      {
        channels: T.Optional(T.Integer({ minimum: 1 })),
        buffer: T.Optional(T.Integer({ minimum: 1 })),
        processors: T.Optional(T.Array(ProcessorSection)),
        error_limit: T.Optional(
          T.Union([T.Integer({ minimum: 0 }), T.String({ pattern: ERROR_LIMIT_PERCENT })], {
            description:
              'Rejected rows (refused by the output for their data, or dead-lettered by a processor) the run tolerates before it fails: a count (100), ' +
              `or a percentage of the rows read ("1%", judged once ${PERCENT_MIN_ROWS} rows were read, and at the end). ` +
              'Default 0: any rejected row fails the run.',
            default: 0,
          }),
        ),
        dead_letter: T.Optional(
          T.Object(
            {
              path: T.String({
                minLength: 1,
                description:
                  'JSON Lines file rejected rows are appended to (relative to the pipeline file); created with the first rejected row.',
              }),
            },
            {
              additionalProperties: false,
              description:
                'Where rejected rows go: each line holds the row, the place that refused it, the error, the time and the lane. ' +
                'Default: a file per run in the data dir.',
            },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  output: ComponentSection,
};

/** JSON Schema of the top level of a pipeline config (version 1). */
export const PipelineTopLevel = T.Object(topLevelSections, { additionalProperties: false });

/** The top level of a config whose chain ends in a `conditional`: its branches have the outputs (`branchingProblems`). */
const BranchingTopLevel = T.Object(
  { ...topLevelSections, output: T.Optional(ComponentSection) },
  { additionalProperties: false },
);

/** A component of the config with where it sits (`pipeline.processors[1]`). */
export interface PlacedComponent {
  kind: ComponentKind;
  path: string;
  /** Its section; for a processor without `on_error`, which is no field of its own. */
  component: ComponentConfig;
  /** A processor's `on_error` as written (the top-level schema checks it); absent when not written. */
  onError?: OnError;
  /** For a component inside a branch of a `conditional`: the branch's path (`pipeline.processors[2].branches[0]`). */
  branch?: string;
}

/** The processor type that ends a chain with branches. */
export const CONDITIONAL = 'conditional';

/** A processor section split into its own fields and the `on_error` the runtime applies (shared by nested processor lists). */
export function splitOnError(section: ComponentConfig): { component: ComponentConfig; onError?: OnError } {
  if (!('on_error' in section)) return { component: section };
  const { on_error: onError, ...component } = section;
  return { component: component as ComponentConfig, onError: onError as OnError };
}

function isComponent(value: unknown): value is ComponentConfig {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/** The input, processors and output of a config, in flow order (sections that are not components are left out). */
export function placedComponents(config: LoadedConfig['config']): PlacedComponent[] {
  const placed: PlacedComponent[] = [];
  if (isComponent(config.input)) placed.push({ kind: 'input', path: 'input', component: config.input });
  const processors = config.pipeline?.processors;
  if (Array.isArray(processors)) {
    processors.forEach((section, i) => {
      if (isComponent(section))
        placed.push({ kind: 'processor', path: `pipeline.processors[${i}]`, ...splitOnError(section) });
    });
  }
  if (isComponent(config.output)) placed.push({ kind: 'output', path: 'output', component: config.output });
  return placed;
}

/** The branches of a `conditional` section with their paths: each `branches[i]`, then `else`. */
export function branchSections(
  conditional: ComponentConfig,
  path: string,
): { path: string; section: Record<string, unknown> }[] {
  const isSection = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value);
  const found: { path: string; section: Record<string, unknown> }[] = [];
  const branches = conditional.branches;
  if (Array.isArray(branches))
    branches.forEach((branch, i) => {
      if (isSection(branch)) found.push({ path: `${path}.branches[${i}]`, section: branch });
    });
  if (isSection(conditional.else)) found.push({ path: `${path}.else`, section: conditional.else });
  return found;
}

/**
 * The components inside the branches of the config's `conditional` processors: each branch's
 * processors, then its output, branch by branch (`placedComponents` gives the main chain).
 */
export function branchComponents(config: LoadedConfig['config']): PlacedComponent[] {
  const placed: PlacedComponent[] = [];
  for (const trunk of placedComponents(config)) {
    if (trunk.kind !== 'processor' || trunk.component.type !== CONDITIONAL) continue;
    for (const { path: branch, section } of branchSections(trunk.component, trunk.path)) {
      const processors = section.processors;
      if (Array.isArray(processors))
        processors.forEach((item, i) => {
          if (isComponent(item))
            placed.push({
              kind: 'processor',
              path: `${branch}.processors[${i}]`,
              branch,
              ...splitOnError(item),
            });
        });
      if (isComponent(section.output))
        placed.push({ kind: 'output', path: `${branch}.output`, branch, component: section.output });
    }
  }
  return placed;
}

/** Whether the main chain ends in a `conditional`, i.e. rows go to its branches' outputs. */
function endsInConditional(config: LoadedConfig['config']): boolean {
  const processors = placedComponents(config).filter((p) => p.kind === 'processor');
  return processors[processors.length - 1]?.component.type === CONDITIONAL;
}

/**
 * Where a `conditional` may stand: last in the main chain (it ends the flow), never inside a
 * branch; the top-level `output` is then forbidden (it would get no row; the schema requires it otherwise).
 */
function branchingProblems(loaded: LoadedConfig, nested: PlacedComponent[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (path: string, message: string) => problems.push(problemAt(loaded.locate(path), path, message));
  const processors = placedComponents(loaded.config).filter((p) => p.kind === 'processor');
  const conditionals = processors.filter((p) => p.component.type === CONDITIONAL);
  const last = processors[processors.length - 1];
  for (const conditional of conditionals) {
    if (conditional === last) continue;
    at(
      childPath(conditional.path, 'type'),
      'a conditional ends the chain: it must be the last processor (move the processors after it into its branches)',
    );
  }
  for (const inner of nested)
    if (inner.kind === 'processor' && inner.component.type === CONDITIONAL)
      at(childPath(inner.path, 'type'), 'a conditional cannot be nested inside a branch');
  const closing = last?.component.type === CONDITIONAL ? last : undefined;
  const output = loaded.config.output as unknown;
  if (closing && output !== undefined)
    at(
      'output',
      `the chain ends in the conditional at ${closing.path}, so rows go to its branches' outputs and none to this one: ` +
        'remove it (an `else` branch takes the rows no branch matches)',
    );
  return problems;
}

/** Says which component types exist, nearest first: `(did you mean "sqlite"? known: generate, file, sqlite)`. */
export function unknownTypeMessage(registry: SpecLookup, kind: ComponentKind, name: string): string {
  const known = registry.names(kind);
  if (registry.isDisabled?.(kind, name))
    return `${kind} "${name}" is disabled in this installation (Plugins page or FUSTGO_DISABLED_COMPONENTS); enabled: ${known.join(', ') || 'none'}`;
  const closest = registry.closest(kind, name, 1);
  const hint = closest.length > 0 ? `did you mean "${closest[0]}"? ` : '';
  return `unknown ${kind} type "${name}" (${hint}known: ${known.join(', ') || 'none'})`;
}

/** Places schema issues of a section in the file, with "did you mean" for unknown fields. */
export function issueProblems(loaded: LoadedConfig, base: string, issues: SchemaIssue[]): ConfigProblem[] {
  const problems = issues.map((issue) => {
    const at = joinPath(base, issue.path);
    let message = issue.message;
    if (issue.unknown) {
      const { field, known } = issue.unknown;
      const [closest] = closestNames(known, field, 1);
      if (closest !== undefined) message += ` (did you mean "${closest}"?)`;
      else if (known.length > 0) message += ` (known fields: ${known.join(', ')})`;
    }
    return problemAt(loaded.locate(at), at, message);
  });
  // In the order they appear in the file, as an editor lists them.
  return problems.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : 0));
}

/** A problem for an error a component threw while checked: `FieldError`s point at their field. */
export function thrownProblem(loaded: LoadedConfig, componentPath: string, error: unknown): ConfigProblem {
  const isField =
    error instanceof FieldError ||
    (error instanceof Error && error.name === 'FieldError' && typeof (error as FieldError).path === 'string');
  const at = isField ? joinPath(componentPath, (error as FieldError).path) : componentPath;
  const message = error instanceof Error ? error.message : String(error);
  const offset = isField ? (error as FieldError).offset : undefined;
  if (offset === undefined) return problemAt(loaded.locate(at), at, message);
  // A place inside the value (a column in an expression): its own column when the source
  // spells the value verbatim, else the value's place and the character named.
  const inside = loaded.locateText(at, offset);
  return inside
    ? problemAt(inside, at, message)
    : problemAt(loaded.locate(at), at, `${message} (at character ${offset})`);
}

/** A component with its config after schema defaults; `null` when its type or fields are invalid. */
type CheckedComponent = PlacedComponent & { config: Record<string, unknown> | null };

/** The name a job goes by: `job.name`, else the file name without extension. */
export function jobNameOf(loaded: LoadedConfig): string {
  const name = loaded.config.job?.name;
  return typeof name === 'string' && name !== ''
    ? name
    : path.basename(loaded.file, path.extname(loaded.file));
}

/**
 * Runs the processors' column binding against the columns the input declares from its
 * config alone, so `fustgo validate` catches `unknown column "qtty"` before any data moves.
 */
function checkColumns(
  loaded: LoadedConfig,
  registry: SpecLookup,
  placed: CheckedComponent[],
): ConfigProblem[] {
  const input = placed.find((p) => p.kind === 'input');
  const inputSpec = input && registry.get('input', input.component.type);
  if (!input?.config || inputSpec?.kind !== 'input' || !inputSpec.staticColumns) return [];
  let columns: Column[] | undefined;
  try {
    columns = inputSpec.staticColumns(input.config);
  } catch (error) {
    return [thrownProblem(loaded, input.path, error)];
  }
  const ctx: ComponentContext = {
    baseDir: loaded.baseDir,
    jobName: jobNameOf(loaded),
    logger: silentLogger,
    signal: new AbortController().signal,
  };
  /** Binds a chain in order; stops at its first problem (later processors would be checked against unknown columns). */
  const bindChain = (
    chain: CheckedComponent[],
    from: Column[],
  ): { columns?: Column[]; problem?: ConfigProblem } => {
    let current = from;
    for (const processor of chain) {
      const spec = registry.get('processor', processor.component.type);
      if (!processor.config || spec?.kind !== 'processor') return {};
      try {
        current = spec.create(processor.config, ctx).bind(current).columns;
      } catch (error) {
        return { problem: thrownProblem(loaded, processor.path, error) };
      }
    }
    return { columns: current };
  };
  if (!columns) return [];
  const main = placed.filter((p) => p.kind === 'processor' && p.branch === undefined);
  const trunk = bindChain(main, columns);
  if (trunk.problem) return [trunk.problem];
  if (!trunk.columns) return [];
  // Each branch's chain starts from the columns reaching the conditional (it passes rows on unchanged).
  const last = main[main.length - 1];
  if (last?.component.type !== CONDITIONAL) return [];
  const problems: ConfigProblem[] = [];
  for (const { path: branch } of branchSections(last.component, last.path)) {
    const inBranch = placed.filter((p) => p.kind === 'processor' && p.branch === branch);
    const { problem } = bindChain(inBranch, trunk.columns);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** The union's branch errors (`must match pattern …`) say less than what the field takes. */
function errorLimitIssues(issues: SchemaIssue[]): SchemaIssue[] {
  const at = 'pipeline.error_limit';
  if (!issues.some((issue) => issue.path === at)) return issues;
  return [
    ...issues.filter((issue) => issue.path !== at),
    {
      path: at,
      message: 'must be a count of rows (100) or a percentage of the rows read ("1%", at most 100%)',
    },
  ];
}

/** The sections that make up the chain of components. */
const CHAIN_SECTIONS = ['input', 'pipeline.processors', 'output'];

/** `job.schedule` must be a cron expression and `job.timezone` an IANA time zone. */
function scheduleProblems(loaded: LoadedConfig): ConfigProblem[] {
  const job = loaded.config.job as { schedule?: unknown; timezone?: unknown } | undefined;
  const problems: ConfigProblem[] = [];
  const problem = typeof job?.schedule === 'string' ? cronProblem(job.schedule) : undefined;
  if (problem) problems.push(problemAt(loaded.locate('job.schedule'), 'job.schedule', problem));
  if (typeof job?.timezone === 'string' && !isTimeZone(job.timezone))
    problems.push(
      problemAt(
        loaded.locate('job.timezone'),
        'job.timezone',
        `unknown time zone "${job.timezone}" (an IANA name such as Asia/Shanghai)`,
      ),
    );
  return problems;
}

/**
 * Every problem of a loaded config, located: the top level, each component's type and
 * fields against its JSON Schema, then processors against the input's static columns.
 */
export function validatePipeline(loaded: LoadedConfig, registry: SpecLookup): ConfigProblem[] {
  const topLevelSchema = endsInConditional(loaded.config) ? BranchingTopLevel : PipelineTopLevel;
  const topLevel = errorLimitIssues(checkAgainst(topLevelSchema, loaded.config).issues);
  const topLevelProblems = issueProblems(loaded, '', topLevel);
  const problems = [...topLevelProblems];
  const checked: CheckedComponent[] = [];
  const nested = branchComponents(loaded.config);
  problems.push(...branchingProblems(loaded, nested), ...scheduleProblems(loaded));
  for (const placed of [...placedComponents(loaded.config), ...nested]) {
    const spec = registry.get(placed.kind, placed.component.type);
    if (!spec) {
      const at = childPath(placed.path, 'type');
      problems.push(
        problemAt(loaded.locate(at), at, unknownTypeMessage(registry, placed.kind, placed.component.type)),
      );
      checked.push({ ...placed, config: null });
      continue;
    }
    const { config, issues } = componentFields(spec, placed.component);
    problems.push(...issueProblems(loaded, placed.path, issues));
    checked.push({ ...placed, config: issues.length > 0 ? null : config });
  }
  // A malformed component section (a processor without `type`) would leave a gap in the
  // chain; a problem elsewhere (`pipeline.channels`) does not stop the column checks.
  // A bad `on_error` does not change the columns.
  const chainBroken = topLevelProblems.some(
    ({ path }) =>
      path === '' ||
      path === 'pipeline' ||
      (!path.endsWith('.on_error') && CHAIN_SECTIONS.some((section) => pathContains(section, path))),
  );
  if (!chainBroken) problems.push(...checkColumns(loaded, registry, checked));
  if (!chainBroken) problems.push(...eltProblems(loaded, [...placedComponents(loaded.config), ...nested]));
  return problems;
}
