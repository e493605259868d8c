import { stringify } from 'yaml';
import type { NodePosition } from './layout';
import {
  EMPTY_GRAPH,
  identifyGraph,
  type DesignerGraph,
  type DesignerNode,
  type Positions,
} from './node-identity';
import {
  pathSegments,
  pipelineGraph,
  valueAtPath,
  type PipelineGraph,
  type PipelineNode,
} from './pipeline-graph';
import {
  applyCanvasEdits,
  formatYamlError,
  parseYaml,
  type CanvasEdit,
  type ParsedYaml,
  type Section,
  type YamlError,
} from './yaml-document-edits';

/*
 * The designer's state, without React: one YAML text is the truth, the graph is derived from it.
 * The canvas changes it through `applyCanvasEdit` (written into the YAML document tree), the editor
 * through `applyYamlText`. While the text does not parse, the last valid graph stays and `error`
 * says where; a canvas edit is then refused, so nothing typed is overwritten. A store (zustand,
 * useSyncExternalStore) wraps it through `getState` and `subscribe`.
 */

/** Which graph rule a problem breaks (for translated messages). */
export type GraphRule =
  | 'input-missing'
  | 'input-extra'
  | 'input-target'
  | 'connection'
  | 'type-missing'
  | 'conditional-no-branch'
  | 'conditional-ends-chain'
  | 'branch-no-output'
  | 'orphan'
  | 'dead-end';

export interface GraphProblem {
  /** The node's config path (its graph id), as validation problems are placed. */
  nodeId: string;
  rule: GraphRule;
  message: string;
}

export interface DesignerState {
  readonly yamlText: string;
  /** The graph of the last text that parsed. */
  readonly graph: DesignerGraph;
  /** The config (plain values) of the last text that parsed. */
  readonly config: unknown;
  readonly positions: Positions;
  /** Why the current text does not parse (the graph is then the last valid one). */
  readonly error: YamlError | null;
  readonly problems: readonly GraphProblem[];
  /** Selected nodes by uid. */
  readonly selection: readonly string[];
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

export type ActionResult = { ok: true } | { ok: false; message: string };

export interface DesignerModel {
  getState(): DesignerState;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Applies one edit, or several as one undo step; `placed` positions new nodes by their path after the edit. */
  applyCanvasEdit(
    edit: CanvasEdit | readonly CanvasEdit[],
    placed?: Record<string, NodePosition>,
  ): ActionResult;
  /** The editor's text changed (typing within `coalesceMs` of the last change is one undo step). */
  applyYamlText(text: string): void;
  /** Nodes were dragged: new positions by uid. Call it when a drag ends (each call is one undo step). */
  moveNodes(moved: Record<string, NodePosition>): void;
  select(uids: readonly string[]): void;
  /** The selected nodes' sections as YAML (a list of processors, or one section), or null when nothing is selected. */
  copySelection(): string | null;
  /**
   * Pastes copied YAML. A section with one input, output or branch selected replaces it; otherwise
   * the processors (a list, or one section) go after the selected processor, at the start of a
   * selected branch, or at the end of the main chain. The pasted nodes become the selection.
   */
  paste(text: string): ActionResult;
  deleteSelection(): ActionResult;
  undo(): boolean;
  redo(): boolean;
}

export interface DesignerOptions {
  /** Saved positions by config path (the job's flow diagram, see `positionsByPath`); others are laid out. */
  positions?: Record<string, NodePosition>;
  /** Clock for coalescing typing into undo steps (tests pass their own). */
  now?: () => number;
  coalesceMs?: number;
  historyLimit?: number;
}

/** What undo and redo restore. */
interface HistoryEntry {
  yamlText: string;
  graph: DesignerGraph;
  positions: Positions;
  error: YamlError | null;
  problems: readonly GraphProblem[];
  config: unknown;
}

/** The designer state of one pipeline, starting from its YAML text. */
export function createDesignerModel(yamlText: string, options: DesignerOptions = {}): DesignerModel {
  const now = options.now ?? (() => Date.now());
  const coalesceMs = options.coalesceMs ?? 1000;
  const historyLimit = options.historyLimit ?? 200;
  const listeners = new Set<() => void>();
  let counter = 0;
  const newUid = () => `n${++counter}`;

  let current: HistoryEntry = {
    yamlText,
    graph: EMPTY_GRAPH,
    positions: {},
    error: null,
    problems: [],
    config: null,
  };
  /** The parsed document of the current text; null while it does not parse. */
  let parsed: ParsedYaml | null = null;
  let selection: readonly string[] = [];
  const undoStack: HistoryEntry[] = [];
  const redoStack: HistoryEntry[] = [];
  let lastTyping = -Infinity;
  current = loadText(yamlText, options.positions);
  let state = snapshotState();

  function snapshotState(): DesignerState {
    return {
      yamlText: current.yamlText,
      graph: current.graph,
      config: current.config,
      positions: current.positions,
      error: current.error,
      problems: current.problems,
      selection,
      canUndo: undoStack.length > 0,
      canRedo: redoStack.length > 0,
    };
  }

  function publish() {
    const uids = new Set(current.graph.uidByPath.values());
    selection = selection.filter((uid) => uids.has(uid));
    state = snapshotState();
    for (const listener of listeners) listener();
  }

  function remember() {
    undoStack.push(current);
    if (undoStack.length > historyLimit) undoStack.shift();
    redoStack.length = 0;
  }

  /** Derives graph, positions and problems from a parsed text. */
  function adopt(next: ParsedYaml, placed?: Record<string, NodePosition>): HistoryEntry {
    parsed = next;
    let config: unknown;
    try {
      config = next.doc.toJS();
    } catch (error) {
      // e.g. too many aliases: the text parses, but has no value to draw.
      parsed = null;
      const message = error instanceof Error ? error.message : String(error);
      return { ...current, yamlText: next.text, error: { message, line: 1, col: 1 } };
    }
    const { graph, positions } = identifyGraph(current, pipelineGraph(config), config, newUid, placed);
    return { yamlText: next.text, graph, positions, error: null, problems: checkGraphRules(graph), config };
  }

  function loadText(text: string, placed?: Record<string, NodePosition>): HistoryEntry {
    const outcome = parseYaml(text);
    if (outcome.ok) return adopt(outcome.parsed, placed);
    parsed = null;
    return { ...current, yamlText: text, error: outcome.error };
  }

  function restore(entry: HistoryEntry) {
    current = entry;
    const outcome = entry.error ? null : parseYaml(entry.yamlText);
    parsed = outcome?.ok ? outcome.parsed : null;
    lastTyping = -Infinity;
    publish();
  }

  function edit(edits: readonly CanvasEdit[], placed?: Record<string, NodePosition>): ActionResult {
    if (!parsed)
      return {
        ok: false,
        message: current.error
          ? `fix the YAML first: ${formatYamlError(current.error)}`
          : 'there is no pipeline to edit',
      };
    let outcome;
    try {
      outcome = applyCanvasEdits(parsed, edits);
    } catch (error) {
      // The document was changed in place before the edit failed: parse the text again.
      const again = parseYaml(current.yamlText);
      parsed = again.ok ? again.parsed : null;
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    remember();
    current = adopt(outcome, placed);
    lastTyping = -Infinity;
    publish();
    return { ok: true };
  }

  const selectedNodes = (): DesignerNode[] => {
    const chosen = new Set(selection);
    const nodes = current.graph.nodes.filter((node) => chosen.has(node.uid));
    // A node inside another selected node comes with it.
    return nodes.filter((node) => !nodes.some((outer) => outer !== node && contains(outer.id, node.id)));
  };

  /** Where pasted processors go: after the last selected one, at the start of a selected branch, else the main chain's end. */
  function pasteTarget(): { chain: string; index: number } {
    const last = selectedNodes().pop();
    const chainLength = (chain: string) => {
      const list = valueAtPath(current.config, chain);
      return Array.isArray(list) ? list.length : 0;
    };
    if (last?.kind === 'processor') {
      const at = last.id.lastIndexOf('[');
      return { chain: last.id.slice(0, at), index: Number(last.id.slice(at + 1, -1)) + 1 };
    }
    if (last?.kind === 'branch') return { chain: `${last.id}.processors`, index: 0 };
    if (last?.kind === 'input') return { chain: 'pipeline.processors', index: 0 };
    if (last?.kind === 'output' && last.id !== 'output') {
      const chain = `${last.id.slice(0, -'.output'.length)}.processors`;
      return { chain, index: chainLength(chain) };
    }
    // The main chain's end, but before a closing conditional (nothing may follow it).
    const chain = 'pipeline.processors';
    const length = chainLength(chain);
    const closing = (valueAtPath(current.config, `${chain}[${length - 1}]`) as Section | undefined)?.type;
    return { chain, index: closing === 'conditional' ? length - 1 : length };
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    applyCanvasEdit: (e, placed) => edit(Array.isArray(e) ? e : [e as CanvasEdit], placed),
    applyYamlText(text) {
      if (text === current.yamlText) return;
      const time = now();
      if (time - lastTyping > coalesceMs) remember();
      else redoStack.length = 0;
      lastTyping = time;
      current = loadText(text);
      publish();
    },
    moveNodes(moved) {
      remember();
      current = { ...current, positions: { ...current.positions, ...moved } };
      lastTyping = -Infinity;
      publish();
    },
    select(uids) {
      selection = [...uids];
      publish();
    },
    copySelection() {
      const nodes = selectedNodes();
      if (nodes.length === 0) return null;
      const processors = nodes.filter((node) => node.kind === 'processor');
      const value =
        processors.length > 0
          ? processors.map((node) => valueAtPath(current.config, node.id))
          : valueAtPath(current.config, nodes[0].id);
      return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
    },
    paste(text) {
      const outcome = parseYaml(text);
      if (!outcome.ok)
        return { ok: false, message: `the clipboard is not YAML: ${formatYamlError(outcome.error)}` };
      const value: unknown = outcome.parsed.doc.toJS();
      const isSection = (v: unknown): v is Section =>
        v !== null && typeof v === 'object' && !Array.isArray(v);
      const targets = selectedNodes();
      if (isSection(value) && targets.length === 1 && targets[0].kind !== 'processor')
        return edit([{ kind: 'replaceSection', path: targets[0].id, section: value }]);
      const sections = (Array.isArray(value) ? value : [value]).filter(isSection);
      if (sections.length === 0) return { ok: false, message: 'the clipboard holds no pipeline section' };
      const { chain, index } = pasteTarget();
      const result = edit(
        sections.map((section, k): CanvasEdit => ({
          kind: 'insertProcessor',
          chain,
          index: index + k,
          section,
        })),
      );
      if (result.ok) {
        const uids = sections.map((_, k) => current.graph.uidByPath.get(`${chain}[${index + k}]`));
        selection = uids.filter((uid): uid is string => uid !== undefined);
        publish();
      }
      return result;
    },
    deleteSelection() {
      const nodes = selectedNodes();
      if (nodes.length === 0) return { ok: true };
      // Later and deeper paths first, so removing one never shifts the path of another.
      const paths = nodes.map((node) => node.id).sort((a, b) => comparePaths(b, a));
      return edit(paths.map((path): CanvasEdit => ({ kind: 'removeNode', path })));
    },
    undo() {
      const entry = undoStack.pop();
      if (!entry) return false;
      redoStack.push(current);
      restore(entry);
      return true;
    },
    redo() {
      const entry = redoStack.pop();
      if (!entry) return false;
      undoStack.push(current);
      restore(entry);
      return true;
    },
  };
}

/** Whether config path `inner` lies inside the node at `outer`. */
function contains(outer: string, inner: string): boolean {
  return inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

/** Orders config paths by their segments: indexes as numbers, keys as text. */
function comparePaths(a: string, b: string): number {
  const x = pathSegments(a);
  const y = pathSegments(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    if (typeof x[i] === 'number' && typeof y[i] === 'number') return (x[i] as number) - (y[i] as number);
    return String(x[i]) < String(y[i]) ? -1 : 1;
  }
  return x.length - y.length;
}

const isConditional = (node: PipelineNode) => node.kind === 'processor' && node.type === 'conditional';

/**
 * Why the canvas may not connect `source` to `target`, or null when it may: an input feeds a
 * processor or an output, a conditional feeds only its branches, a branch starts at a conditional.
 */
export function connectionProblem(source: PipelineNode, target: PipelineNode): string | null {
  if (target.kind === 'input') return 'nothing flows into an input';
  if (source.kind === 'output') return 'an output ends the flow';
  if (source.kind === 'input' && target.kind !== 'processor' && target.kind !== 'output')
    return 'an input connects only to a processor or an output';
  if (isConditional(source) && target.kind !== 'branch') return 'a conditional connects only to its branches';
  if (target.kind === 'branch' && !isConditional(source)) return 'a branch starts at a conditional';
  return null;
}

/**
 * The graph rules the canvas shows live, per node: exactly one input, feeding a processor or an
 * output; every component has a type; a conditional fans out to branches only, each ending in an
 * output; every node is reached from the input (else orphan) and leads to an output (else dead end).
 */
export function checkGraphRules(graph: PipelineGraph): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const add = (nodeId: string, rule: GraphRule, message: string) => problems.push({ nodeId, rule, message });
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const targets = new Map<string, string[]>();
  const sources = new Map<string, string[]>();
  const link = (links: Map<string, string[]>, from: string, to: string) => {
    const list = links.get(from);
    if (list) list.push(to);
    else links.set(from, [to]);
  };
  for (const edge of graph.edges) {
    link(targets, edge.source, edge.target);
    link(sources, edge.target, edge.source);
  }
  const walk = (starts: string[], links: Map<string, string[]>) => {
    const seen = new Set(starts);
    const stack = [...starts];
    while (stack.length > 0)
      for (const next of links.get(stack.pop() as string) ?? [])
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
    return seen;
  };

  const inputs = graph.nodes.filter((node) => node.kind === 'input');
  if (inputs.length === 0) add('input', 'input-missing', 'the pipeline needs an input');
  for (const extra of inputs.slice(1)) add(extra.id, 'input-extra', 'a pipeline has exactly one input');
  for (const node of graph.nodes) {
    if (node.kind !== 'branch' && node.type === '?')
      add(node.id, 'type-missing', `this ${node.kind} has no type`);
    const next = (targets.get(node.id) ?? []).map((id) => byId.get(id) as PipelineNode);
    for (const target of next) {
      const problem = connectionProblem(node, target);
      if (problem === null) continue;
      if (isConditional(node))
        add(target.id, 'conditional-ends-chain', `${problem}: a conditional ends the chain`);
      else add(node.id, node.kind === 'input' ? 'input-target' : 'connection', problem);
    }
    if (isConditional(node) && !next.some((target) => target.kind === 'branch'))
      add(node.id, 'conditional-no-branch', 'a conditional needs at least one branch');
  }

  const reached = walk(
    inputs.map((node) => node.id),
    targets,
  );
  const leadsOut = walk(
    graph.nodes.filter((node) => node.kind === 'output').map((node) => node.id),
    sources,
  );
  const openBranches: string[] = [];
  for (const node of graph.nodes) {
    if (!reached.has(node.id) && node.kind !== 'input') add(node.id, 'orphan', 'not connected to the input');
    if (leadsOut.has(node.id)) continue;
    if (node.kind === 'branch') {
      openBranches.push(node.id);
      add(node.id, 'branch-no-output', 'each branch ends in an output');
    } else if (node.kind !== 'output' && !openBranches.some((branch) => contains(branch, node.id)))
      add(node.id, 'dead-end', 'leads to no output');
  }
  return problems;
}
