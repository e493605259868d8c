import {
  Document,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  Pair,
  parseDocument,
  YAMLMap,
  YAMLSeq,
  type Range,
  type ToStringOptions,
} from 'yaml';
import { pathSegments, type PathSegment } from './pipeline-graph';

/*
 * Canvas edits change the YAML *document tree* (parseDocument, setIn/deleteIn, createNode), then
 * only the parts of the text that changed are rewritten: yaml's own `toString()` reformats the whole
 * file (wraps long strings, re-lays multi-line flow maps), which would rewrite lines the user did not
 * touch. A diff of the edited tree against a snapshot taken before the edit turns into text splices:
 * removed items lose their lines (with the comments above them), new items are rendered by yaml at
 * the right indentation, moved items carry their original text. The result is parsed once and
 * checked against the edited tree; should splicing ever disagree, the tree's own rendering is used.
 */

/** A component or branch section as plain data, as the canvas and the clipboard hold it. */
export type Section = Record<string, unknown>;

/** A path inside a component: `write.table`, `columns[0].name`, or segments for keys that are not plain names. */
export type FieldPath = string | readonly PathSegment[];

/**
 * A change made on the canvas, addressed by config paths (the graph's node ids). A chain is a
 * processor list: `pipeline.processors` or `<branch>.processors`; an index in a chain counts its
 * processors as they read before the edit.
 */
export type CanvasEdit =
  /** The input becomes exactly `section` (a type change passes the new type and the fields to keep). */
  | { kind: 'setInput'; section: Section }
  /** Sets the top-level output, or a branch's (`path`: `<branch>.output`). */
  | { kind: 'setOutput'; path?: string; section: Section }
  | { kind: 'insertProcessor'; chain: string; index: number; section: Section }
  /** Moves a processor into the gap before `index` of `chain` (both as they read before the move). */
  | { kind: 'moveProcessor'; path: string; chain: string; index: number }
  /** Removes a processor (a conditional with its branches), a branch, an `else`, an output or the input. */
  | { kind: 'removeNode'; path: string }
  | { kind: 'addBranch'; conditional: string; branch: Section; index?: number }
  | { kind: 'setElse'; conditional: string; branch: Section }
  | { kind: 'setField'; path: string; field: FieldPath; value: unknown }
  | { kind: 'deleteField'; path: string; field: FieldPath }
  /** The node's section becomes exactly `section` (pasting); unchanged keys keep their comments. */
  | { kind: 'replaceSection'; path: string; section: Section };

/** Why a YAML text does not parse, and where (1-based line and column). */
export interface YamlError {
  message: string;
  line: number;
  col: number;
}

/** A YAML text with its parsed document; an edit consumes the document (it is changed in place). */
export interface ParsedYaml {
  text: string;
  doc: Document.Parsed;
}

export type ParseOutcome = { ok: true; parsed: ParsedYaml } | { ok: false; error: YamlError };

export interface EditOutcome extends ParsedYaml {
  /** True when the text had to be written by yaml as a whole (formatting elsewhere not kept). */
  reformatted: boolean;
}

/** Parses a pipeline's YAML text; the first error is reported with its line and column. */
export function parseYaml(text: string): ParseOutcome {
  const doc = parseDocument(text, { uniqueKeys: true });
  const first = doc.errors[0];
  if (!first) return { ok: true, parsed: { text, doc } };
  const at = first.linePos?.[0] ?? { line: 1, col: 1 };
  // yaml's message repeats the place and quotes the source below it; keep the sentence.
  const message = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return { ok: false, error: { message, line: at.line, col: at.col } };
}

/** `2:14 Map keys must be unique`: an error as a banner or a marker shows it. */
export function formatYamlError(error: YamlError): string {
  return `${error.line}:${error.col} ${error.message}`;
}

/**
 * Applies canvas edits in order to the document and returns the new text with its parsed document.
 * Throws (naming the path) when an edit addresses a node that is not there; `source.doc` is then
 * half-edited and must be parsed again from `source.text`.
 */
export function applyCanvasEdits(source: ParsedYaml, edits: readonly CanvasEdit[]): EditOutcome {
  const { text, doc } = source;
  const before = snapshot(doc.contents, new Map());
  for (const edit of edits) applyEdit(doc, edit);
  const expected = JSON.stringify(doc.toJS());
  const options = detectStyle(text);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  // Splicing works on whole lines: a last line without its newline gets one while it runs.
  const open = !text.endsWith('\n');
  const written = new SpliceWriter(open ? text + newline : text, before, options, newline).write(
    doc.contents,
  );
  const spliced = written !== null && open ? written.slice(0, written.length - newline.length) : written;
  if (spliced !== null) {
    const reparsed = parseDocument(spliced, { uniqueKeys: true });
    if (reparsed.errors.length === 0 && JSON.stringify(reparsed.toJS()) === expected)
      return { text: spliced, doc: reparsed, reformatted: false };
  }
  const whole = doc.toString(options);
  return { text: whole, doc: parseDocument(whole, { uniqueKeys: true }), reformatted: true };
}

// ---------------------------------------------------------------------------------------------
// Edits on the tree

const CREATE = { aliasDuplicateObjects: false } as const;

type Collection = YAMLMap | YAMLSeq;

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

function findPair(map: YAMLMap, key: PathSegment): Pair | undefined {
  return map.items.find((pair) => keyOf(pair) === key) as Pair | undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function nodeAt(doc: Document, segments: readonly PathSegment[]): unknown {
  return segments.length === 0 ? doc.contents : doc.getIn(segments, true);
}

function mapAt(doc: Document, path: string): YAMLMap {
  const node = nodeAt(doc, pathSegments(path));
  if (!isMap(node)) throw new Error(`${path}: there is no section here`);
  return node;
}

/** Adds `key: value` to a map before the first of `before` present (so sections keep their usual order). */
function addPair(
  doc: Document,
  map: YAMLMap,
  key: PathSegment,
  value: unknown,
  before: readonly string[],
): void {
  const pair = new Pair(doc.createNode(key), value);
  const at = map.items.findIndex((item) => before.includes(String(keyOf(item as Pair))));
  if (at < 0) map.items.push(pair);
  else map.items.splice(at, 0, pair);
}

/** The list under `key`, created (before the keys in `before`) when absent. */
function ensureSeq(
  doc: Document,
  map: YAMLMap,
  key: string,
  before: readonly string[],
  path: string,
): YAMLSeq {
  const pair = findPair(map, key);
  if (pair && isSeq(pair.value)) {
    // An empty list can only be written `[]`; once it gets items, it reads best as a block list again.
    if (pair.value.items.length === 0) pair.value.flow = false;
    return pair.value;
  }
  const seq = new YAMLSeq();
  if (!pair) addPair(doc, map, key, seq, before);
  else if (isScalar(pair.value) && pair.value.value === null) pair.value = seq;
  else throw new Error(`${path}.${key}: expected a list`);
  return seq;
}

/** The processor list at `chain`; a missing `pipeline` or branch `processors` is created. */
function chainAt(doc: Document, chain: string): YAMLSeq {
  const segments = pathSegments(chain);
  if (segments[segments.length - 1] !== 'processors') throw new Error(`${chain}: not a processor chain`);
  const owner = segments.slice(0, -1);
  if (owner.length === 1 && owner[0] === 'pipeline') {
    const root = rootMap(doc);
    const pair = findPair(root, 'pipeline');
    if (pair && isMap(pair.value)) return ensureSeq(doc, pair.value, 'processors', [], 'pipeline');
    if (pair && !(isScalar(pair.value) && pair.value.value === null))
      throw new Error('pipeline: expected a section');
    const pipeline = new YAMLMap();
    if (pair) pair.value = pipeline;
    else addPair(doc, root, 'pipeline', pipeline, ['output']);
    return ensureSeq(doc, pipeline, 'processors', [], 'pipeline');
  }
  const ownerPath = chain.slice(0, -'.processors'.length);
  return ensureSeq(doc, mapAt(doc, ownerPath), 'processors', ['output'], ownerPath);
}

function rootMap(doc: Document): YAMLMap {
  if (doc.contents === null) doc.contents = new YAMLMap() as never;
  if (!isMap(doc.contents)) throw new Error('the pipeline config must be a mapping of keys to values');
  return doc.contents;
}

function insertAt(seq: YAMLSeq, index: number, node: unknown, chain: string): void {
  if (!Number.isInteger(index) || index < 0 || index > seq.items.length)
    throw new Error(`${chain}: no position ${index} (it has ${seq.items.length})`);
  seq.items.splice(index, 0, node);
}

/**
 * Makes `node` read `value`, changing as little as possible: a scalar keeps its node (quoting
 * style, comment), a map keeps the pairs whose keys stay (comments, order) and appends new keys,
 * a list is synced item by item. Returns the node to put in place (a new one when shapes differ).
 */
function syncNode(doc: Document, node: unknown, value: unknown): unknown {
  if (isScalar(node) && !isPlainObject(value) && !Array.isArray(value)) {
    if (node.value === value) return node;
    if (typeof node.value === typeof value && value !== null) {
      node.value = value;
      return node;
    }
  } else if (isMap(node) && isPlainObject(value)) {
    node.items = node.items.filter((pair) => value[String(keyOf(pair))] !== undefined);
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      const pair = findPair(node, key);
      if (pair) pair.value = syncNode(doc, pair.value, child);
      else node.items.push(new Pair(doc.createNode(key), doc.createNode(child, CREATE)));
    }
    return node;
  } else if (isSeq(node) && Array.isArray(value)) {
    node.items = value.map((child, i) =>
      i < node.items.length ? syncNode(doc, node.items[i], child) : doc.createNode(child, CREATE),
    );
    return node;
  }
  const created = doc.createNode(value, CREATE);
  // A flow map replaced by a map stays a flow map: the user's style for that place.
  if (isCollection(node) && isCollection(created)) created.flow = node.flow;
  return created;
}

/** Sets the node at `segments` to `value` (see `syncNode`), creating missing sections on the way. */
function syncAt(
  doc: Document,
  segments: readonly PathSegment[],
  value: unknown,
  before: readonly string[] = [],
) {
  const key = segments[segments.length - 1];
  const parentSegments = segments.slice(0, -1);
  const parent = parentSegments.length === 0 ? rootMap(doc) : doc.getIn(parentSegments, true);
  if (isMap(parent)) {
    const pair = findPair(parent, key);
    if (pair) pair.value = syncNode(doc, pair.value, value);
    else addPair(doc, parent, key, doc.createNode(value, CREATE), before);
  } else if (isSeq(parent) && typeof key === 'number' && key <= parent.items.length) {
    parent.items[key] =
      key < parent.items.length ? syncNode(doc, parent.items[key], value) : doc.createNode(value);
  } else if (
    parentSegments.length > 0 &&
    (parent === undefined || (isScalar(parent) && parent.value === null))
  ) {
    // A missing parent section: write it with this value inside.
    if (typeof key === 'number' && key !== 0)
      throw new Error(`${formatSegments(segments)}: no such list item`);
    syncAt(doc, parentSegments, typeof key === 'number' ? [value] : { [key]: value });
  } else {
    throw new Error(`${formatSegments(segments)}: its parent is not a section or a list`);
  }
}

function formatSegments(segments: readonly PathSegment[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function fieldSegments(field: FieldPath): PathSegment[] {
  return typeof field === 'string' ? pathSegments(field) : [...field];
}

function removeAt(doc: Document, path: string): void {
  const segments = pathSegments(path);
  const key = segments[segments.length - 1];
  const parent = nodeAt(doc, segments.slice(0, -1));
  if (isSeq(parent) && typeof key === 'number' && key < parent.items.length) parent.items.splice(key, 1);
  else if (isMap(parent) && findPair(parent, key)) parent.delete(key);
  else throw new Error(`${path}: no such node`);
}

function applyEdit(doc: Document, edit: CanvasEdit): void {
  switch (edit.kind) {
    case 'setInput':
      return syncAt(doc, ['input'], edit.section, ['pipeline', 'output']);
    case 'setOutput':
      if (edit.path !== undefined && edit.path !== 'output') mapAt(doc, edit.path.replace(/\.output$/, ''));
      return syncAt(doc, pathSegments(edit.path ?? 'output'), edit.section);
    case 'insertProcessor':
      return insertAt(chainAt(doc, edit.chain), edit.index, doc.createNode(edit.section, CREATE), edit.chain);
    case 'moveProcessor': {
      const segments = pathSegments(edit.path);
      const from = nodeAt(doc, segments.slice(0, -1));
      const index = segments[segments.length - 1];
      if (!isSeq(from) || typeof index !== 'number' || index >= from.items.length)
        throw new Error(`${edit.path}: no such processor`);
      // The gap is found before the processor is taken out, so `chain` and `index` name the
      // place the user dropped it, as the canvas showed it.
      if (edit.chain.startsWith(`${edit.path}.`))
        throw new Error(`${edit.path}: cannot move into its own branch`);
      const node = from.items[index];
      const to = chainAt(doc, edit.chain);
      if (!Number.isInteger(edit.index) || edit.index < 0 || edit.index > to.items.length)
        throw new Error(`${edit.chain}: no position ${edit.index} (it has ${to.items.length})`);
      const next = to.items[edit.index];
      if (next === node) return;
      from.items.splice(index, 1);
      if (next === undefined) to.items.push(node);
      else to.items.splice(to.items.indexOf(next), 0, node);
      return;
    }
    case 'removeNode':
      return removeAt(doc, edit.path);
    case 'addBranch': {
      const branches = ensureSeq(doc, mapAt(doc, edit.conditional), 'branches', ['else'], edit.conditional);
      const node = doc.createNode(edit.branch, CREATE);
      return insertAt(branches, edit.index ?? branches.items.length, node, `${edit.conditional}.branches`);
    }
    case 'setElse':
      mapAt(doc, edit.conditional);
      return syncAt(doc, [...pathSegments(edit.conditional), 'else'], edit.branch);
    case 'setField':
      mapAt(doc, edit.path);
      return syncAt(doc, [...pathSegments(edit.path), ...fieldSegments(edit.field)], edit.value);
    case 'deleteField': {
      mapAt(doc, edit.path);
      const segments = [...pathSegments(edit.path), ...fieldSegments(edit.field)];
      if (doc.hasIn(segments)) doc.deleteIn(segments);
      return;
    }
    case 'replaceSection':
      return syncAt(doc, pathSegments(edit.path), edit.section);
  }
}

// ---------------------------------------------------------------------------------------------
// From the edited tree back to text

/** Before the edit: each collection's items, each pair's value, each scalar's value. */
type Snapshot = Map<unknown, unknown>;

function snapshot(node: unknown, into: Snapshot): Snapshot {
  if (isScalar(node)) into.set(node, node.value);
  else if (isCollection(node)) {
    into.set(node, [...node.items]);
    for (const item of node.items) {
      if (isPair(item)) {
        into.set(item, item.value);
        snapshot(item.key, into);
        snapshot(item.value, into);
      } else snapshot(item, into);
    }
  } else if (isNode(node)) into.set(node, true);
  return into;
}

/** The file's own indentation, list indentation and flow padding, for the text yaml writes. */
function detectStyle(text: string): ToStringOptions {
  const lines = text.split('\n');
  let indent = 0;
  let indentSeq = true;
  let seqSeen = false;
  let previous = '';
  for (const line of lines) {
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    const width = line.length - content.length;
    if (width > 0 && (indent === 0 || width < indent)) indent = width;
    if (!seqSeen && content.startsWith('- ') && /:\s*$/.test(previous)) {
      seqSeen = true;
      indentSeq = width > previous.length - previous.trimStart().length;
    }
    previous = line;
  }
  return {
    indent: Math.min(Math.max(indent || 2, 1), 8),
    indentSeq,
    // Never fold: a long condition or SQL stays on its line, as the user would write it.
    lineWidth: 0,
    // `{ a: 1 }` unless the file writes `{a: 1}` (`${VAR}` is not a flow map).
    flowCollectionPadding: !/(^|[^$])[{[][^\s}\]]/m.test(text) || /[{[] /.test(text),
  };
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Where an item's text lies: from the first comment line above it to its last line (comments below included). */
interface Region {
  start: number;
  end: number;
  /** The item starts mid-line (the first key of a map on a `- ` line). */
  inline: boolean;
}

const isCommentLine = (line: string) => line.trimStart().startsWith('#');
const widthOf = (line: string) => line.length - line.trimStart().length;

class SpliceWriter {
  private readonly splices: Splice[] = [];

  constructor(
    private readonly text: string,
    private readonly before: Snapshot,
    private readonly options: ToStringOptions,
    /** The file's line break: what yaml writes (`\n`) becomes the file's own. */
    private readonly newline: string,
  ) {}

  /** The new text, or null when the change is not one splicing expresses (the caller writes the tree). */
  write(root: unknown): string | null {
    if (!isMap(root) || root.flow || !this.before.has(root) || this.oldItems(root).length === 0) return null;
    if (root.items.length === 0 || !this.collection(root)) return null;
    // An insertion at a position goes before a removal starting there.
    const ordered = this.splices
      .map((s, i) => ({ ...s, i }))
      .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
    let out = '';
    let at = 0;
    for (const splice of ordered) {
      if (splice.start < at) return null;
      out += this.text.slice(at, splice.start) + splice.text;
      at = splice.end;
    }
    return out + this.text.slice(at);
  }

  // --- geometry of the text before the edit (always from the snapshot, never the edited tree)

  private oldItems(node: Collection): unknown[] {
    return this.before.get(node) as unknown[];
  }

  private lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }

  private lineEnd(pos: number): number {
    const nl = this.text.indexOf('\n', pos);
    return nl === -1 ? this.text.length : nl + 1;
  }

  private column(pos: number): number {
    return pos - this.lineStart(pos);
  }

  /** Where a node's own text ends: the end of its last item's value, before trailing space and comments. */
  private end(node: unknown): number {
    if (isCollection(node) && !node.flow) {
      const items = this.oldItems(node);
      const last = items[items.length - 1];
      if (last !== undefined) return isPair(last) ? this.pairEnd(last) : this.end(last);
    }
    const range = (node as { range?: Range | null }).range;
    if (!range) return 0;
    let end = range[1];
    while (end > range[0] && /\s/.test(this.text[end - 1])) end--;
    return end;
  }

  private pairEnd(pair: Pair): number {
    let colon = ((pair.key as { range?: Range }).range as Range)[1];
    while (this.text[colon] === ' ' || this.text[colon] === '\t') colon++;
    if (this.text[colon] === ':') colon++;
    return Math.max(colon, this.end(this.before.get(pair)));
  }

  /** The key of a pair, or the `-` of a list item. */
  private anchor(item: unknown): number {
    if (isPair(item)) return ((item.key as { range: Range }).range as Range)[0];
    const start = ((item as { range: Range }).range as Range)[0];
    let i = start - 1;
    while (i >= 0 && /\s/.test(this.text[i])) i--;
    return this.text[i] === '-' ? i : start;
  }

  private region(item: unknown): Region {
    const anchor = this.anchor(item);
    const col = this.column(anchor);
    const lineStart = this.lineStart(anchor);
    const inline = this.text.slice(lineStart, anchor).trim() !== '';
    let start = inline ? anchor : lineStart;
    // Blank lines and comments at the item's indentation above it belong to it.
    while (!inline && start > 0) {
      const previous = this.lineStart(start - 1);
      const line = this.text.slice(previous, start - 1);
      if (line.trim() !== '' && !(isCommentLine(line) && widthOf(line) <= col)) break;
      start = previous;
    }
    let end = this.lineEnd(isPair(item) ? this.pairEnd(item) : this.end(item));
    // Comments indented deeper than the item, right below it, are its own.
    while (end < this.text.length) {
      const next = this.lineEnd(end);
      const line = this.text.slice(end, next);
      if (!isCommentLine(line) || widthOf(line) <= col) break;
      end = next;
    }
    return { start, end, inline };
  }

  // --- what changed

  private changed(node: unknown): boolean {
    if (!this.before.has(node)) return true;
    if (isScalar(node)) return this.before.get(node) !== node.value;
    if (!isCollection(node)) return false;
    const old = this.oldItems(node);
    if (old.length !== node.items.length || old.some((item, i) => item !== node.items[i])) return true;
    return node.items.some((item) =>
      isPair(item) ? this.before.get(item) !== item.value || this.changed(item.value) : this.changed(item),
    );
  }

  // --- rendering new text with yaml, at a column

  private render(node: unknown, col: number): string {
    // An alias inside refers to an anchor elsewhere in the file, which this small document lacks.
    const options = { ...this.options, verifyAliasOrder: false };
    const text = new Document(node, CREATE).toString(options).replace(/\n$/, '');
    // yaml writes from column 0; lines after the first move to the item's column.
    return text
      .split('\n')
      .map((line, i) => (i === 0 || line === '' ? line : ' '.repeat(col) + line))
      .join(this.newline);
  }

  private pairText(pair: Pair, col: number): string {
    const map = new YAMLMap();
    map.items.push(new Pair(bare(pair.key), bare(pair.value)));
    return this.render(map, col);
  }

  private itemText(item: unknown, col: number): string {
    const seq = new YAMLSeq();
    seq.items.push(bare(item));
    return this.render(seq, col);
  }

  // --- splices

  /** Diffs a block collection item by item; false when its first item is on its parent's line and moves. */
  private collection(node: Collection): boolean {
    const old = this.oldItems(node);
    const now = node.items as unknown[];
    const first = this.region(old[0]);
    const col = this.column(this.anchor(old[0]));
    const oldIndex = new Map(old.map((item, i) => [item, i]));
    const staying = new Set(longestIncreasing(now.flatMap((item) => oldIndex.get(item) ?? [])));
    if (first.inline && (now[0] !== old[0] || !staying.has(0))) return false;
    old.forEach((item, i) => {
      if (!staying.has(i)) {
        const { start, end } = this.region(item);
        this.splices.push({ start, end, text: '' });
      }
    });
    let pending = '';
    for (const item of now) {
      const i = oldIndex.get(item);
      if (i === undefined || !staying.has(i)) {
        pending += this.newItem(item, col, isMap(node));
        continue;
      }
      if (pending !== '') this.insert(this.region(item).start, pending);
      pending = '';
      this.keep(item, col);
    }
    if (pending !== '') this.insert(this.region(old[old.length - 1]).end, pending);
    return true;
  }

  /** An item that stays where it was: rewrite what changed inside it. */
  private keep(item: unknown, col: number): void {
    if (isPair(item)) {
      const replace = () => this.replace(this.anchor(item), this.pairEnd(item), this.pairText(item, col));
      if (this.before.get(item) !== item.value) replace();
      else this.value(item.value, replace);
    } else {
      const start = ((item as { range: Range }).range as Range)[0];
      this.value(item, () => this.replace(start, this.end(item), this.itemText(item, col).slice(2)));
    }
  }

  private value(node: unknown, rewrite: () => void): void {
    if (!this.changed(node)) return;
    const spliceable =
      isCollection(node) && !node.flow && node.items.length > 0 && this.oldItems(node).length > 0;
    if (!spliceable || !this.collection(node)) rewrite();
  }

  /** Text (whole lines) for an item new to this collection: rendered, or moved with its comments. */
  private newItem(item: unknown, col: number, inMap: boolean): string {
    if (this.before.has(item)) {
      const region = this.region(item);
      if (!region.inline) {
        const delta = col - this.column(this.anchor(item));
        const lines = this.text
          .slice(region.start, region.end)
          .replace(/^(\s*\n)+/, '')
          .split('\n');
        const moved = lines.map((line) =>
          line.trim() === ''
            ? line
            : delta >= 0
              ? ' '.repeat(delta) + line
              : line.slice(Math.min(-delta, widthOf(line))),
        );
        const body = moved.join('\n');
        return body.endsWith('\n') ? body : body + this.newline;
      }
    }
    const text = inMap ? this.pairText(item as Pair, col) : this.itemText(item, col);
    return ' '.repeat(col) + text + this.newline;
  }

  private insert(at: number, lines: string): void {
    this.splices.push({ start: at, end: at, text: lines });
  }

  private replace(start: number, end: number, text: string): void {
    this.splices.push({ start, end, text });
  }
}

/** A node without the comments around it (they stay in the text outside the replaced range). */
function bare(node: unknown): unknown {
  if (!isNode(node) || (node.commentBefore == null && node.comment == null && !node.spaceBefore)) return node;
  const copy = node.clone();
  copy.commentBefore = undefined;
  copy.comment = undefined;
  copy.spaceBefore = false;
  return copy;
}

/** The longest increasing subsequence (patience sorting): the items that can stay where they are. */
function longestIncreasing(values: number[]): number[] {
  const tails: number[] = [];
  const previous: number[] = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]] < values[i]) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  }
  const result: number[] = [];
  for (let i = tails[tails.length - 1] ?? -1; i >= 0; i = previous[i]) result.push(values[i]);
  return result.reverse();
}
