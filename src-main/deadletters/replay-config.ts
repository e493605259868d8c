import { Document, parse, parseDocument } from 'yaml';

/*
 * The config a dead-letter replay runs: the job's config cut at the place the rows failed. The
 * rows are the input (a JSON Lines file); the processors are the chain from that place on; the
 * output is where that chain leads. Inside a conditional's branch, the rows already took that
 * branch: its remaining processors and its output, without the conditional.
 *
 * A replay writes a few rows into a target that already holds the rest, so what would empty or
 * rebuild it goes: a truncating write mode becomes an insert, a file output appends, and the
 * output's pre_sql / post_sql are left out. Each change is said in the notes (and in the YAML).
 */

type Section = Record<string, unknown>;

/** What failed: the place a dead letter names, taken apart. */
export type ReplayPlace =
  | { kind: 'output' }
  | { kind: 'processor'; index: number }
  | { kind: 'branch-processor'; conditional: number; branch: number | 'else'; index: number }
  | { kind: 'branch-output'; conditional: number; branch: number | 'else' };

const PROCESSOR = /^pipeline\.processors\[(\d+)\]$/;
const IN_BRANCH =
  /^pipeline\.processors\[(\d+)\]\.(?:branches\[(\d+)\]|(else))\.(?:processors\[(\d+)\]|(output))$/;

/** The place a dead letter names (`output`, `pipeline.processors[3]`, `…branches[0].output`), or undefined. */
export function parseReplayPlace(place: string): ReplayPlace | undefined {
  if (place === 'output') return { kind: 'output' };
  const processor = PROCESSOR.exec(place);
  if (processor) return { kind: 'processor', index: Number(processor[1]) };
  const inBranch = IN_BRANCH.exec(place);
  if (!inBranch) return undefined;
  const conditional = Number(inBranch[1]);
  const branch = inBranch[3] === 'else' ? 'else' : Number(inBranch[2]);
  return inBranch[5] === 'output'
    ? { kind: 'branch-output', conditional, branch }
    : { kind: 'branch-processor', conditional, branch, index: Number(inBranch[4]) };
}

/** Thrown when the config cannot be cut at the place: it has no such processor or branch. */
export class ReplayConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayConfigError';
  }
}

function isSection(value: unknown): value is Section {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sectionList(value: unknown): Section[] {
  return Array.isArray(value) ? value.filter(isSection) : [];
}

/** The config's text as a plain object (`${VAR}`s stay as written: the run substitutes them). */
export function parseConfigText(yaml: string, what: string): Section {
  let config: unknown;
  try {
    config = parse(yaml);
  } catch (error) {
    throw new ReplayConfigError(`${what} is not valid YAML: ${(error as Error).message}`);
  }
  if (!isSection(config)) throw new ReplayConfigError(`${what} is not a YAML mapping`);
  return config;
}

/** The processors and output rows go through from `place` on. */
function chainFrom(config: Section, place: string): { processors: Section[]; output: Section | undefined } {
  const parsed = parseReplayPlace(place);
  if (!parsed) throw new ReplayConfigError(`"${place}" is not a place rows can be replayed from`);
  const pipeline = isSection(config.pipeline) ? config.pipeline : {};
  const main = Array.isArray(pipeline.processors) ? (pipeline.processors as unknown[]) : [];
  const output = isSection(config.output) ? config.output : undefined;
  const missing = (what: string) =>
    new ReplayConfigError(
      `the job's config has no ${what}: it changed since the rows were rejected at ${place}; fix the replay config by hand`,
    );
  if (parsed.kind === 'output') {
    if (!output) throw missing('top-level output');
    return { processors: [], output };
  }
  if (parsed.kind === 'processor') {
    if (!isSection(main[parsed.index])) throw missing(`processor ${place}`);
    return { processors: sectionList(main.slice(parsed.index)), output };
  }
  const conditional = main[parsed.conditional];
  if (!isSection(conditional) || conditional.type !== 'conditional')
    throw missing(`conditional at pipeline.processors[${parsed.conditional}]`);
  const branch =
    parsed.branch === 'else'
      ? conditional.else
      : Array.isArray(conditional.branches)
        ? (conditional.branches as unknown[])[parsed.branch]
        : undefined;
  const branchName = parsed.branch === 'else' ? 'else' : `branches[${parsed.branch}]`;
  if (!isSection(branch)) throw missing(`branch ${branchName} in pipeline.processors[${parsed.conditional}]`);
  const branchOutput = isSection(branch.output) ? branch.output : undefined;
  if (!branchOutput) throw missing(`output in branch ${branchName}`);
  if (parsed.kind === 'branch-output') return { processors: [], output: branchOutput };
  const inBranch = Array.isArray(branch.processors) ? (branch.processors as unknown[]) : [];
  if (!isSection(inBranch[parsed.index])) throw missing(`processor ${place}`);
  return { processors: sectionList(inBranch.slice(parsed.index)), output: branchOutput };
}

/** The output (at `where` in the replay config), changed so writing a few rows cannot empty or rebuild its target. */
function safeOutput(output: Section, where: string, notes: string[]): Section {
  const safe: Section = structuredClone(output);
  const write = isSection(safe.write) ? safe.write : undefined;
  if (write?.mode === 'truncate_insert') {
    write.mode = 'insert';
    notes.push(
      `${where}: write.mode truncate_insert became insert, so the replay adds its rows and empties nothing`,
    );
  }
  if (safe.type === 'file' && (safe.mode === undefined || safe.mode === 'overwrite')) {
    safe.mode = 'append';
    notes.push(`${where}: the file is appended to (mode: append), not replaced by the replayed rows`);
  }
  for (const key of ['pre_sql', 'post_sql'] as const) {
    if (safe[key] === undefined) continue;
    delete safe[key];
    notes.push(`${where}: ${key} was left out, being meant for a whole run and not a few replayed rows`);
  }
  return safe;
}

/** The job settings a one-off run keeps: what names the job, not what schedules it. */
const KEPT_JOB_FIELDS = ['name', 'type', 'description'];
/** Pipeline settings a replay keeps (lanes go: a file is read in one). */
const KEPT_PIPELINE_FIELDS = ['buffer', 'error_limit'];

export interface ReplayConfig {
  config: Section;
  notes: string[];
}

/**
 * The config replaying rows that failed at `place` runs: `input` (the rows), the job's chain
 * from the place on and the output it leads to. Throws `ReplayConfigError` when the config
 * has no such place.
 */
export function deriveReplayConfig(jobConfig: Section, place: string, input: Section): ReplayConfig {
  if (jobConfig.extends !== undefined)
    throw new ReplayConfigError(
      `the job's config extends "${String(jobConfig.extends)}": a replay needs the whole pipeline in one config; write the replay config by hand`,
    );
  const notes: string[] = [];
  const { processors, output } = chainFrom(jobConfig, place);
  const derived: Section = { version: jobConfig.version ?? 1 };
  if (isSection(jobConfig.job)) {
    const job: Section = {};
    for (const key of KEPT_JOB_FIELDS) if (jobConfig.job[key] !== undefined) job[key] = jobConfig.job[key];
    if (Object.keys(job).length > 0) derived.job = job;
  }
  derived.input = input;
  const pipeline: Section = {};
  const source = isSection(jobConfig.pipeline) ? jobConfig.pipeline : {};
  for (const key of KEPT_PIPELINE_FIELDS) if (source[key] !== undefined) pipeline[key] = source[key];
  if (isSection(source.dead_letter))
    notes.push(
      "pipeline.dead_letter was left out: rows the replay rejects are kept with the replay's own execution",
    );
  if (processors.length > 0) pipeline.processors = structuredClone(processors);
  if (Object.keys(pipeline).length > 0) derived.pipeline = pipeline;
  // A chain ending in a conditional takes its outputs from the branches.
  const last = processors[processors.length - 1];
  if (last?.type !== 'conditional') {
    if (!output) throw new ReplayConfigError(`the job's config has no output for rows past ${place}`);
    derived.output = safeOutput(output, 'output', notes);
  } else {
    // The copy's conditional: each of its branches writes through a safe output.
    const conditional = (pipeline.processors as Section[])[processors.length - 1];
    const at = `pipeline.processors[${processors.length - 1}]`;
    (Array.isArray(conditional.branches) ? (conditional.branches as unknown[]) : []).forEach((branch, i) => {
      if (isSection(branch) && isSection(branch.output))
        branch.output = safeOutput(branch.output, `${at}.branches[${i}].output`, notes);
    });
    if (isSection(conditional.else) && isSection(conditional.else.output))
      conditional.else.output = safeOutput(conditional.else.output, `${at}.else.output`, notes);
  }
  return { config: derived, notes };
}

/** The replay config as YAML, opening with what it is and the changes made for the replay. */
export function replayConfigText(replay: ReplayConfig, header: string[]): string {
  const doc = new Document(replay.config);
  const lines = [...header, ...replay.notes.map((note) => `Note: ${note}.`)];
  doc.commentBefore = lines.map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}

/**
 * A replay config the user fixed, as text, with `input` set to the rows whatever it said there;
 * the rest of the text (comments included) stays as the user wrote it.
 */
export function withReplayInput(configYaml: string, input: Section): string {
  parseConfigText(configYaml, 'the replay config');
  const doc = parseDocument(configYaml);
  doc.set('input', doc.createNode(input));
  return doc.toString({ lineWidth: 0 });
}

/** One component of a replay config: where it is and what type. */
export interface ReplayStep {
  path: string;
  type: string;
}

/** The components of a (replay) config in flow order: input, processors, each branch's, outputs. */
export function replaySteps(config: Section): ReplayStep[] {
  const typeOf = (section: unknown) =>
    isSection(section) && typeof section.type === 'string' ? section.type : '?';
  const steps: ReplayStep[] = [{ path: 'input', type: typeOf(config.input) }];
  const pipeline = isSection(config.pipeline) ? config.pipeline : {};
  const processors = Array.isArray(pipeline.processors) ? (pipeline.processors as unknown[]) : [];
  processors.forEach((processor, i) => {
    const path = `pipeline.processors[${i}]`;
    steps.push({ path, type: typeOf(processor) });
    if (!isSection(processor) || processor.type !== 'conditional') return;
    const branches: [string, unknown][] = (
      Array.isArray(processor.branches) ? (processor.branches as unknown[]) : []
    ).map((branch, b) => [`${path}.branches[${b}]`, branch]);
    if (processor.else !== undefined) branches.push([`${path}.else`, processor.else]);
    for (const [branchPath, branch] of branches) {
      if (!isSection(branch)) continue;
      sectionList(branch.processors).forEach((inner, k) =>
        steps.push({ path: `${branchPath}.processors[${k}]`, type: typeOf(inner) }),
      );
      if (branch.output !== undefined)
        steps.push({ path: `${branchPath}.output`, type: typeOf(branch.output) });
    }
  });
  if (config.output !== undefined) steps.push({ path: 'output', type: typeOf(config.output) });
  return steps;
}
