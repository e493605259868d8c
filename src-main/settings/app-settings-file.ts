import { isMap, isScalar, LineCounter, parseDocument, stringify, type Document } from 'yaml';
import { DEFAULT_APP_SETTINGS, type AppSettingsValues } from '../../src-shared/config/app-settings';
import type { ConfigProblem } from '../../src-shared/api/model';
import type { SettingsPatch } from '../../src-shared/api/settings-model';
import { closestNames } from '../engine/similar';

/*
 * `settings.yaml`: the app settings as a file people may edit by hand. Reading checks every value
 * and says where each bad one is (`settings.yaml:3:3: worker.max_concurrent_jobs: must be an
 * integer ≥ 1`); writing keeps the comments and order of what is there.
 */

export const SETTINGS_FILE_NAME = 'settings.yaml';

type Leaf = { path: readonly string[]; check(value: unknown): string | null };

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const MAX_CONCURRENT_JOBS = 1000;
const MAX_RETENTION_DAYS = 36500;

function integerFrom(min: number, max: number) {
  return (value: unknown): string | null => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
      return `must be an integer ≥ ${min}`;
    return value > max ? `must be at most ${max}` : null;
  };
}

function endpoint(value: unknown): string | null {
  if (value === null) return null;
  const problem = 'must be an http:// or https:// URL, or null to switch tracing off';
  if (typeof value !== 'string') return problem;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : problem;
  } catch {
    return problem;
  }
}

/** Every setting, in file order, with its check. */
const LEAVES: readonly Leaf[] = [
  {
    path: ['log_level'],
    check: (value) =>
      typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value)
        ? null
        : `must be one of ${LOG_LEVELS.join(', ')}`,
  },
  { path: ['worker', 'max_concurrent_jobs'], check: integerFrom(1, MAX_CONCURRENT_JOBS) },
  { path: ['retention', 'executions_days'], check: integerFrom(1, MAX_RETENTION_DAYS) },
  { path: ['retention', 'audit_days'], check: integerFrom(1, MAX_RETENTION_DAYS) },
  { path: ['retention', 'logs_days'], check: integerFrom(1, MAX_RETENTION_DAYS) },
  { path: ['telemetry', 'otlp_endpoint'], check: endpoint },
];

const SECTIONS = ['log_level', 'worker', 'retention', 'telemetry'];

function childrenOf(section: string): string[] {
  return LEAVES.filter((leaf) => leaf.path[0] === section && leaf.path.length > 1).map(
    (leaf) => leaf.path[1],
  );
}

/** A setting's value in a plain tree, or `undefined`. */
function valueAt(tree: unknown, path: readonly string[]): unknown {
  let node = tree;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Where a problem is: `path` as dotted text, and how to find its place in the source. */
type Locate = (path: readonly string[]) => { line: number; col: number };

/**
 * Checks a settings tree (missing settings take their defaults) and returns the values, or every
 * problem. Unknown keys are problems too: a misspelt setting would otherwise be silently ignored.
 */
export function checkSettingsTree(
  tree: unknown,
  file: string,
  locate: Locate = () => ({ line: 0, col: 0 }),
): { values: AppSettingsValues; problems: [] } | { values: null; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const problem = (path: readonly string[], message: string) =>
    problems.push({ file, ...locate(path), path: path.join('.'), message });
  if (tree !== null && tree !== undefined && !isRecord(tree)) {
    problem([], `must be a map of settings (${SECTIONS.join(', ')})`);
    return { values: null, problems };
  }
  const root = tree ?? {};
  for (const key of Object.keys(root)) {
    if (!SECTIONS.includes(key)) problem([key], unknownSetting(key, SECTIONS));
  }
  for (const section of SECTIONS.filter((name) => childrenOf(name).length > 0)) {
    const value = root[section];
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) {
      problem([section], `must be a map with ${childrenOf(section).join(', ')}`);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (!childrenOf(section).includes(key))
        problem([section, key], unknownSetting(key, childrenOf(section)));
    }
  }
  const values = structuredClone(DEFAULT_APP_SETTINGS);
  for (const leaf of LEAVES) {
    const value = valueAt(root, leaf.path);
    if (value === undefined) continue;
    // An empty value means "off" for the one setting that can be off.
    const given = leaf.path[1] === 'otlp_endpoint' && value === '' ? null : value;
    const message = leaf.check(given);
    if (message) problem(leaf.path, message);
    else setLeaf(values, leaf.path, given);
  }
  return problems.length > 0 ? { values: null, problems } : { values, problems: [] };
}

function unknownSetting(key: string, known: readonly string[]): string {
  const near = closestNames(known, key, 1);
  return near.length > 0
    ? `unknown setting "${key}" (did you mean "${near[0]}"?)`
    : `unknown setting "${key}" (known: ${known.join(', ')})`;
}

function setLeaf(values: AppSettingsValues, path: readonly string[], value: unknown): void {
  let node = values as unknown as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

/** Reads `settings.yaml` text: the values it sets (defaults for what it leaves out), or where it is wrong. */
export function parseSettingsFile(
  text: string,
  file = SETTINGS_FILE_NAME,
): { values: AppSettingsValues; problems: [] } | { values: null; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      values: null,
      problems: doc.errors.map((error) => ({
        file,
        line: error.linePos?.[0].line ?? 0,
        col: error.linePos?.[0].col ?? 0,
        path: '',
        // The first line of yaml's message; the rest is a picture of the source.
        message: error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
      })),
    };
  }
  const locate: Locate = (path) => {
    const at = keyOffset(doc, path);
    return at === null ? { line: 1, col: 1 } : lineCounter.linePos(at);
  };
  return checkSettingsTree(doc.toJS() as unknown, file, locate);
}

/** Where the deepest key of `path` that the document has is written (its start offset). */
function keyOffset(doc: Document, path: readonly string[]): number | null {
  let node: unknown = doc.contents;
  let found: number | null = null;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    if (!pair || !isScalar(pair.key)) break;
    found = pair.key.range?.[0] ?? found;
    node = pair.value;
  }
  return found;
}

/** The checks of the settings alone (no file): for values coming from the API. */
export function checkSettingsValues(values: AppSettingsValues): ConfigProblem[] {
  return checkSettingsTree(values, '').problems;
}

/** The settings with `patch` applied (the patch is type-checked, not range-checked). */
export function applySettingsPatch(values: AppSettingsValues, patch: SettingsPatch): AppSettingsValues {
  return {
    log_level: patch.log_level ?? values.log_level,
    worker: { ...values.worker, ...definedOnly(patch.worker) },
    retention: { ...values.retention, ...definedOnly(patch.retention) },
    telemetry: { ...values.telemetry, ...definedOnly(patch.telemetry) },
  };
}

function definedOnly<T extends object>(section: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(section ?? {}).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** One setting that differs between two sets of values. */
export interface SettingChange {
  field: string;
  from: unknown;
  to: unknown;
}

export function settingChanges(previous: AppSettingsValues, next: AppSettingsValues): SettingChange[] {
  return LEAVES.flatMap((leaf) => {
    const from = valueAt(previous, leaf.path);
    const to = valueAt(next, leaf.path);
    return from === to ? [] : [{ field: leaf.path.join('.'), from, to }];
  });
}

/** What a value looks like in the file (`null`, `info`, `"http://…"`). */
function yamlScalar(value: unknown): string {
  return stringify(value).trimEnd();
}

/** A fresh settings file: every setting with a comment saying what it does. */
export function settingsFileTemplate(values: AppSettingsValues): string {
  return [
    '# FustGo Studio settings. Edits to this file apply at once, without a restart. A value that is',
    '# not valid is refused (the studio says where) and the last good settings stay in force.',
    '# The Settings page and the API write this file too, keeping your comments.',
    '',
    '# Level of the app log and of what runs log: debug, info, warn or error.',
    `log_level: ${yamlScalar(values.log_level)}`,
    '',
    'worker:',
    '  # Runs at once in the whole app; more wait as queued.',
    `  max_concurrent_jobs: ${yamlScalar(values.worker.max_concurrent_jobs)}`,
    '',
    'retention:',
    '  # Days executions (with their logs, checkpoints and dead letters) are kept.',
    `  executions_days: ${yamlScalar(values.retention.executions_days)}`,
    '  # Days audit log entries are kept.',
    `  audit_days: ${yamlScalar(values.retention.audit_days)}`,
    '  # Days log files are kept.',
    `  logs_days: ${yamlScalar(values.retention.logs_days)}`,
    '',
    'telemetry:',
    '  # OTLP/HTTP endpoint run traces are sent to, e.g. http://127.0.0.1:4318; null: off.',
    `  otlp_endpoint: ${yamlScalar(values.telemetry.otlp_endpoint)}`,
    '',
  ].join('\n');
}

/**
 * The file text for `values`, changed as little as possible from `previous`: each setting that
 * differs is set in place (comments and order stay), keys the studio does not know are taken out
 * (they would make the file invalid). Text that does not parse as a map is replaced by the template.
 */
export function renderSettingsFile(values: AppSettingsValues, previous: string | null): string {
  if (previous === null || previous.trim() === '') return settingsFileTemplate(values);
  const doc = parseDocument(previous);
  if (doc.errors.length > 0 || (doc.contents !== null && !isMap(doc.contents)))
    return settingsFileTemplate(values);
  const tree = doc.toJS() as unknown;
  for (const key of Object.keys(isRecord(tree) ? tree : {})) {
    if (!SECTIONS.includes(key)) doc.deleteIn([key]);
    else if (childrenOf(key).length > 0) {
      const section = (tree as Record<string, unknown>)[key];
      if (!isRecord(section)) doc.deleteIn([key]);
      else
        for (const child of Object.keys(section))
          if (!childrenOf(key).includes(child)) doc.deleteIn([key, child]);
    }
  }
  for (const leaf of LEAVES) {
    const wanted = valueAt(values, leaf.path);
    if (valueAt(doc.toJS(), leaf.path) !== wanted) doc.setIn([...leaf.path], wanted);
  }
  return doc.toString();
}
