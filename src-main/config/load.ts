import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document } from 'yaml';
import type { ConfigProblem } from '../../src-shared/api/model';
import type { PipelineConfig } from '../../src-shared/config/pipeline';
import { formatPath, parsePath } from './config-path';
import { resolveConnectionRefs, type ConnectionResolver } from './connection-refs';
import { mergeLocated, positionsOf, textPositionsOf, toPlain, type Located } from './located';
import { displayFile, problemAt, type SourcePosition } from './problem';
import { scalarFromText, substituteEnv } from './substitute-env';

/** A pipeline config after `extends`, `${VAR}` and `--set`, with the source position of every value. */
export interface LoadedConfig {
  /** The pipeline file (absolute for files on disk). */
  file: string;
  /** Folder relative paths in the config resolve against. */
  baseDir: string;
  /** Not yet validated: see `validatePipeline`. */
  config: PipelineConfig;
  /** Where a path (`pipeline.processors[1].condition`) was written; the nearest written ancestor for absent paths. */
  locate(configPath: string): SourcePosition;
  /** Where the `offset`-th character (1-based) of a string value was written, when the source holds it verbatim. */
  locateText(configPath: string, offset: number): SourcePosition | undefined;
}

export interface LoadOptions {
  /** Variables for `${VAR}`; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Overrides applied after `extends`: `"path=value"` items or a `{ path: value }` record; values read as YAML scalars. */
  set?: string[] | Record<string, string>;
  /** Saved connections for `connection: { ref }`; without it a ref is a problem. */
  connections?: ConnectionResolver;
}

/**
 * A loaded config, or its problems. When the problems are only in values (a missing
 * `${VAR}`, a bad `--set`), `partial` holds the config with those values left as written,
 * so validation can still report every other problem in the same pass.
 */
export type LoadResult =
  { ok: true; loaded: LoadedConfig } | { ok: false; problems: ConfigProblem[]; partial?: LoadedConfig };

/** Where `--set` values are said to come from. */
const SET_SOURCE: SourcePosition = { file: '--set', line: 0, col: 0 };

interface Layer {
  root: Located | null;
  problems: ConfigProblem[];
}

/**
 * Offset of a string scalar's first character when the source holds its text verbatim on one
 * line (plain, or quoted without escapes), so a character inside it maps to a column.
 */
function exactTextStart(scalar: Scalar, source: string): number | undefined {
  if (typeof scalar.value !== 'string' || !scalar.range) return undefined;
  const quoted = scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE;
  if (!quoted && scalar.type !== Scalar.PLAIN) return undefined;
  const start = scalar.range[0] + (quoted ? 1 : 0);
  return source.slice(start, start + scalar.value.length) === scalar.value ? start : undefined;
}

/** Converts a parsed YAML node into a located tree (aliases are expanded). */
function toLocated(
  doc: Document,
  node: unknown,
  at: SourcePosition,
  position: (offset: number) => SourcePosition,
  source: string,
): Located {
  const resolved = isAlias(node) ? node.resolve(doc) : node;
  if (isMap(resolved)) {
    const entries = new Map<string, Located>();
    for (const pair of resolved.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      entries.set(key, toLocated(doc, pair.value, keyRange ? position(keyRange[0]) : at, position, source));
    }
    return { kind: 'map', at, entries };
  }
  if (isSeq(resolved)) {
    const items = resolved.items.map((item) => {
      const range = (item as { range?: [number, number, number] | null } | null)?.range;
      return toLocated(doc, item, range ? position(range[0]) : at, position, source);
    });
    return { kind: 'seq', at, items };
  }
  if (isScalar(resolved)) {
    const scalar: Located = {
      kind: 'scalar',
      at,
      value: resolved.value,
      plain: resolved.type === Scalar.PLAIN,
    };
    const textStart = exactTextStart(resolved, source);
    return textStart === undefined ? scalar : { ...scalar, textAt: position(textStart) };
  }
  return { kind: 'scalar', at, value: null, plain: true };
}

/** Parses one file of an `extends` chain, then its base (recursively), and merges them. */
async function loadLayer(
  text: string,
  file: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  chain: string[],
): Promise<Layer> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  if (doc.errors.length > 0) {
    return {
      root: null,
      problems: doc.errors.map((error) => problemAt(position(error.pos[0]), '', error.message)),
    };
  }
  const start = position(doc.contents?.range?.[0] ?? 0);
  if (doc.contents === null) return { root: null, problems: [problemAt(start, '', 'the file is empty')] };
  const parsed = toLocated(doc, doc.contents, start, position, text);
  if (parsed.kind !== 'map') {
    return {
      root: null,
      problems: [problemAt(start, '', 'a pipeline config must be a mapping of keys to values')],
    };
  }
  const { node, problems } = substituteEnv(parsed, env);
  if (node.kind !== 'map') return { root: node, problems };
  const base = node.entries.get('extends');
  if (!base) return { root: node, problems };
  node.entries.delete('extends');
  if (base.kind !== 'scalar' || typeof base.value !== 'string' || base.value === '') {
    return {
      root: node,
      problems: [...problems, problemAt(base.at, 'extends', 'must be the name of a YAML file')],
    };
  }
  const baseFile = path.resolve(dir, base.value);
  if (chain.includes(baseFile)) {
    const cycle = [...chain.slice(chain.indexOf(baseFile)), baseFile].map(displayFile).join(' -> ');
    return { root: node, problems: [...problems, problemAt(base.at, 'extends', `extends itself: ${cycle}`)] };
  }
  let baseText: string;
  try {
    baseText = await readFile(baseFile, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return {
      root: node,
      problems: [
        ...problems,
        problemAt(base.at, 'extends', `cannot read "${displayFile(baseFile)}": ${reason}`),
      ],
    };
  }
  const layer = await loadLayer(baseText, baseFile, path.dirname(baseFile), env, [...chain, baseFile]);
  return {
    root: layer.root ? mergeLocated(layer.root, node) : node,
    problems: [...layer.problems, ...problems],
  };
}

function setEntries(set: LoadOptions['set']): [string, string | null][] {
  if (!set) return [];
  if (!Array.isArray(set)) return Object.entries(set);
  return set.map((item) => {
    const at = item.indexOf('=');
    return at < 0 ? [item, null] : [item.slice(0, at), item.slice(at + 1)];
  });
}

/** Applies one `--set path=value` override, creating missing maps on the way. */
function applySet(root: Located, target: string, text: string | null): ConfigProblem | null {
  const segments = parsePath(target.trim());
  if (text === null || !segments || segments.length === 0) {
    return problemAt(SET_SOURCE, '', `"${target}" should read path=value (e.g. pipeline.channels=4)`);
  }
  const shown = formatPath(segments);
  const leaf: Located = { kind: 'scalar', at: SET_SOURCE, value: scalarFromText(text), plain: true };
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    const next = (): Located => (last ? leaf : { kind: 'map', at: SET_SOURCE, entries: new Map() });
    if (typeof segment === 'string' && node.kind === 'map') {
      const existing = node.entries.get(segment);
      const child = last || !existing ? next() : existing;
      node.entries.set(segment, child);
      node = child;
    } else if (typeof segment === 'number' && node.kind === 'seq' && segment <= node.items.length) {
      const child = last || segment === node.items.length ? next() : node.items[segment];
      node.items[segment] = child;
      node = child;
    } else {
      const parent = formatPath(segments.slice(0, i)) || 'the config';
      const expected = typeof segment === 'number' ? `a list with at least ${segment} items` : 'a mapping';
      return problemAt(SET_SOURCE, shown, `cannot set: ${parent} is not ${expected}`);
    }
  }
  return null;
}

/**
 * Loads a pipeline from YAML text. `fileName` names it in problems; `baseDir` is where
 * `extends` and the config's relative paths resolve. Every problem is reported, located.
 */
export async function loadPipelineText(
  text: string,
  fileName: string,
  baseDir: string,
  opts: LoadOptions = {},
): Promise<LoadResult> {
  const id = path.resolve(baseDir, fileName);
  const layer = await loadLayer(text, fileName, baseDir, opts.env ?? process.env, [id]);
  const problems = [...layer.problems];
  if (layer.root) {
    for (const [target, value] of setEntries(opts.set)) {
      const problem = applySet(layer.root, target, value);
      if (problem) problems.push(problem);
    }
  }
  if (!layer.root) return { ok: false, problems };
  const positions = positionsOf(layer.root);
  const rootAt = layer.root.at;
  const locate = (configPath: string): SourcePosition => {
    const segments = parsePath(configPath) ?? [];
    for (let n = segments.length; n > 0; n--) {
      const at = positions.get(formatPath(segments.slice(0, n)));
      if (at) return at;
    }
    return rootAt;
  };
  const textPositions = textPositionsOf(layer.root);
  const locateText = (configPath: string, offset: number): SourcePosition | undefined => {
    const at = textPositions.get(formatPath(parsePath(configPath) ?? []));
    return at && { ...at, col: at.col + offset - 1 };
  };
  const config = toPlain(layer.root) as PipelineConfig;
  problems.push(...(await resolveConnectionRefs(config, opts.connections, locate)));
  const loaded: LoadedConfig = { file: fileName, baseDir, config, locate, locateText };
  return problems.length > 0 ? { ok: false, problems, partial: loaded } : { ok: true, loaded };
}

/** Loads a pipeline file (see `loadPipelineText`); an unreadable file is a problem, not a throw. */
export async function loadPipelineFile(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return {
      ok: false,
      problems: [{ file: absolute, line: 0, col: 0, path: '', message: `cannot read the file: ${reason}` }],
    };
  }
  return loadPipelineText(text, absolute, path.dirname(absolute), opts);
}
