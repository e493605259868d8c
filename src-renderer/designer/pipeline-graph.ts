import { parse } from 'yaml';

/** What a node of the flow graph stands for. */
export type PipelineNodeKind = 'input' | 'processor' | 'branch' | 'output';

/** One box of the flow graph. `id` is the node's config path, as problems locate it. */
export interface PipelineNode {
  id: string;
  kind: PipelineNodeKind;
  /** The component type (`file`, `filter` …); for a branch, `when` or `else`. */
  type: string;
  /** A one-line hint of what the node does (a path, a condition, a table). */
  detail: string;
}

/** A connection between two nodes; branch edges carry their condition. */
export interface PipelineEdge {
  id: string;
  source: string;
  target: string;
  /** On an edge from a conditional to a branch: the branch's name, else its `when`, or `else`. */
  label?: string;
}

export interface PipelineGraph {
  nodes: PipelineNode[];
  edges: PipelineEdge[];
}

/** The graph of a YAML text, or why there is none (the YAML does not parse). */
export type PipelineGraphResult = { ok: true; graph: PipelineGraph } | { ok: false; message: string };

type Section = Record<string, unknown>;

function asSection(value: unknown): Section | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Section) : null;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function typeOf(section: Section | null): string {
  return typeof section?.type === 'string' ? section.type : '?';
}

/** Fields that best say what a component does, first match wins (dotted paths reach sub-sections). */
const DETAIL_FIELDS = [
  'condition',
  'path',
  'query.table',
  'write.table',
  'table',
  'query.sql',
  'topic',
  'connection.host',
];

function readPath(section: Section, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => asSection(value)?.[key], section);
}

/** A short description of a component section for the node body. */
export function describeComponent(section: Section | null): string {
  if (!section) return '';
  for (const field of DETAIL_FIELDS) {
    const value = readPath(section, field);
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  const fields = asSection(section.fields) ?? asSection(section.set);
  if (fields) return Object.keys(fields).join(', ');
  return '';
}

/**
 * Builds the flow graph of a pipeline config: input → processors → output. A `conditional`
 * ends the chain and fans out: each branch (and `else`) is a node, reached by an edge labelled
 * with the branch's name or condition, followed by its own chain and its own output. The
 * top-level output is drawn when the config has one or the chain does not end in a conditional.
 */
export function pipelineGraph(config: unknown): PipelineGraph {
  const root = asSection(config) ?? {};
  const nodes: PipelineNode[] = [];
  const edges: PipelineEdge[] = [];

  const addNode = (node: PipelineNode): string => {
    nodes.push(node);
    return node.id;
  };
  const connect = (sources: string[], target: string, label?: string): void => {
    for (const source of sources)
      edges.push({ id: `${source}->${target}`, source, target, ...(label !== undefined ? { label } : {}) });
  };

  /** Lays out a processor chain after `sources`; returns the ends still open for what follows. */
  const chain = (processors: unknown[], basePath: string, sources: string[]): string[] => {
    let open = sources;
    processors.forEach((item, index) => {
      const section = asSection(item);
      const id = addNode({
        kind: 'processor',
        id: `${basePath}[${index}]`,
        type: typeOf(section),
        detail: describeComponent(section),
      });
      connect(open, id);
      if (section?.type === 'conditional') branches(section, id);
      open = [id];
    });
    return open;
  };

  /** Adds the branches of a conditional, each with its chain and output. */
  const branches = (section: Section, parent: string): void => {
    const addBranch = (branch: Section | null, id: string, label: string, detail: string): void => {
      const branchId = addNode({ kind: 'branch', id, type: label, detail });
      const name = typeof branch?.name === 'string' && branch.name !== '' ? branch.name : undefined;
      connect([parent], branchId, name ?? (label === 'else' ? 'else' : detail));
      const ends = chain(asList(branch?.processors), `${id}.processors`, [branchId]);
      const output = asSection(branch?.output);
      if (!output) return;
      const outputId = addNode({
        kind: 'output',
        id: `${id}.output`,
        type: typeOf(output),
        detail: describeComponent(output),
      });
      connect(ends, outputId);
    };
    asList(section.branches).forEach((item, index) => {
      const branch = asSection(item);
      const when = typeof branch?.when === 'string' ? branch.when : '';
      addBranch(branch, `${parent}.branches[${index}]`, 'when', when);
    });
    const otherwise = asSection(section.else);
    if (otherwise) addBranch(otherwise, `${parent}.else`, 'else', '');
  };

  const input = asSection(root.input);
  const inputId = addNode({
    kind: 'input',
    id: 'input',
    type: typeOf(input),
    detail: describeComponent(input),
  });
  const pipeline = asSection(root.pipeline);
  const ends = chain(asList(pipeline?.processors), 'pipeline.processors', [inputId]);
  const output = asSection(root.output);
  const processors = asList(pipeline?.processors);
  const closing = asSection(processors[processors.length - 1])?.type === 'conditional';
  if (closing && !output) return { nodes, edges };
  const outputId = addNode({
    kind: 'output',
    id: 'output',
    type: typeOf(output),
    detail: describeComponent(output),
  });
  connect(ends, outputId);
  return { nodes, edges };
}

/** One step of a config path: a key or a list index. */
export type PathSegment = string | number;

/**
 * Splits a node id (`pipeline.processors[2].branches[0].output`) or a field path of plain keys
 * (`write.table`, `columns[0].name`) into keys and indexes, as the YAML document addresses them.
 */
export function pathSegments(path: string): PathSegment[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/** The value at a config path in a parsed config (`undefined` when absent). */
export function valueAtPath(config: unknown, path: string): unknown {
  return pathSegments(path).reduce<unknown>(
    (value, key) => (value !== null && typeof value === 'object' ? (value as Section)[key] : undefined),
    config,
  );
}

/** Parses YAML text and builds its graph; a syntax error yields its message instead. */
export function pipelineGraphFromYaml(text: string): PipelineGraphResult {
  try {
    return { ok: true, graph: pipelineGraph(parse(text)) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}
