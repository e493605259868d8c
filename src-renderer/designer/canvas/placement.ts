import type { ComponentKind } from '../../../src-shared/api/model';
import { connectionProblem } from '../designer-model';
import { NODE_HEIGHT, NODE_WIDTH, type NodePosition } from '../layout';
import type { DesignerGraph, Positions } from '../node-identity';
import type { PipelineNode } from '../pipeline-graph';
import type { CanvasEdit, Section } from '../yaml-document-edits';
import { isInside } from './node-issues';

/*
 * Where things land on the canvas, as edits of the YAML: a component dropped from the palette (on
 * an edge, near a node, or on empty canvas) and a connection drawn between two handles. The graph
 * is the YAML's tree, so a connection does not add a line: it moves a processor so that it follows
 * the node the line starts at.
 */

/** What a drop point is over. `before`: the point is left of the node's middle. */
export type DropSpot =
  | { on: 'edge'; source: string; target: string }
  | { on: 'node'; path: string; before: boolean }
  | { on: 'pane' };

/** How far (flow units) from an edge's line a drop still lands on it. */
const EDGE_REACH = 18;
/** How far from a node's box a drop still counts as "near" it. */
const NODE_REACH = 48;

const MAIN_CHAIN = 'pipeline.processors';

interface Box {
  x: number;
  y: number;
}

function distanceToBox(point: Box, box: Box): number {
  const dx = Math.max(box.x - point.x, 0, point.x - (box.x + NODE_WIDTH));
  const dy = Math.max(box.y - point.y, 0, point.y - (box.y + NODE_HEIGHT));
  return Math.hypot(dx, dy);
}

function distanceToSegment(p: Box, a: Box, b: Box): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/**
 * An edge as the canvas draws it (smoothstep, right handle to left handle): out horizontally, down
 * or up at the middle, in horizontally. An edge running backwards is taken as a straight line.
 */
function edgeLine(from: Box, to: Box): Box[] {
  const start = { x: from.x + NODE_WIDTH, y: from.y + NODE_HEIGHT / 2 };
  const end = { x: to.x, y: to.y + NODE_HEIGHT / 2 };
  if (end.x < start.x) return [start, end];
  const middle = (start.x + end.x) / 2;
  return [start, { x: middle, y: start.y }, { x: middle, y: end.y }, end];
}

/** What `point` (flow coordinates) is over, for a component of `kind` being dropped. */
export function findDropSpot(
  graph: DesignerGraph,
  positions: Positions,
  point: NodePosition,
  kind: ComponentKind,
): DropSpot {
  const at = (node: PipelineNode & { uid: string }) => positions[node.uid] as Box | undefined;
  const spotOn = (node: PipelineNode & { uid: string }): DropSpot => {
    const box = at(node) as Box;
    return { on: 'node', path: node.id, before: point.x < box.x + NODE_WIDTH / 2 };
  };
  // An input replaces the input, wherever it is dropped.
  if (kind === 'input') {
    const input = graph.nodes.find((node) => node.kind === 'input' && at(node));
    return input ? spotOn(input) : { on: 'pane' };
  }
  let nearest: { node: PipelineNode & { uid: string }; distance: number } | null = null;
  for (const node of graph.nodes) {
    const box = at(node);
    if (!box) continue;
    const distance = distanceToBox(point, box);
    if (distance === 0) return spotOn(node);
    if (!nearest || distance < nearest.distance) nearest = { node, distance };
  }
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  let closest: { edge: { source: string; target: string }; distance: number } | null = null;
  for (const edge of graph.edges) {
    const from = byId.get(edge.source);
    const to = byId.get(edge.target);
    const a = from && at(from);
    const b = to && at(to);
    if (!a || !b) continue;
    const line = edgeLine(a, b);
    for (let i = 1; i < line.length; i++) {
      const distance = distanceToSegment(point, line[i - 1], line[i]);
      if (!closest || distance < closest.distance) closest = { edge, distance };
    }
  }
  if (closest && closest.distance <= EDGE_REACH)
    return { on: 'edge', source: closest.edge.source, target: closest.edge.target };
  if (nearest && nearest.distance <= NODE_REACH) return spotOn(nearest.node);
  return { on: 'pane' };
}

/** A processor's chain and index: `a.processors[2]` → `a.processors`, 2. */
export function chainPlace(path: string): { chain: string; index: number } {
  const at = path.lastIndexOf('[');
  return { chain: path.slice(0, at), index: Number(path.slice(at + 1, -1)) };
}

/** How many processors `chain` has in the graph. */
export function chainLength(graph: DesignerGraph, chain: string): number {
  const prefix = `${chain}[`;
  return graph.nodes.filter(
    (node) =>
      node.kind === 'processor' && node.id.startsWith(prefix) && !node.id.includes('.', prefix.length),
  ).length;
}

/** The chain that leads into an output: `output` → the main chain, `<branch>.output` → the branch's. */
export function outputChain(outputPath: string): string {
  return outputPath === 'output' ? MAIN_CHAIN : `${outputPath.slice(0, -'.output'.length)}.processors`;
}

/** The innermost branch (`….branches[1]` or `….else`) a path lies in, or null on the main line. */
export function branchOf(path: string): string | null {
  const match = /^(.*(?:\.branches\[\d+\]|\.else))(?=\.|$)/.exec(path);
  return match ? match[1] : null;
}

/** The end of the main chain, before a closing conditional (nothing may follow one). */
export function mainChainEnd(graph: DesignerGraph): { chain: string; index: number } {
  const length = chainLength(graph, MAIN_CHAIN);
  const last = graph.nodes.find((node) => node.id === `${MAIN_CHAIN}[${length - 1}]`);
  return { chain: MAIN_CHAIN, index: last?.type === 'conditional' ? length - 1 : length };
}

/** Where a processor dropped on `spot` goes. */
function processorPlace(graph: DesignerGraph, spot: DropSpot): { chain: string; index: number } {
  const kindOf = (id: string) => graph.nodes.find((node) => node.id === id);
  if (spot.on === 'pane') return mainChainEnd(graph);
  const path = spot.on === 'edge' ? spot.target : spot.path;
  const node = kindOf(path);
  if (!node) return mainChainEnd(graph);
  if (node.kind === 'input') return { chain: MAIN_CHAIN, index: 0 };
  if (node.kind === 'branch') return { chain: `${node.id}.processors`, index: 0 };
  if (node.kind === 'output') {
    const chain = outputChain(node.id);
    return { chain, index: chainLength(graph, chain) };
  }
  const place = chainPlace(node.id);
  // On an edge the processor goes before the edge's target; near a node, on the side dropped.
  const after = spot.on === 'node' && !spot.before && node.type !== 'conditional';
  return after ? { chain: place.chain, index: place.index + 1 } : place;
}

/** The edit a new component makes, the path its node gets, and where nodes are drawn after it. */
export interface Placement {
  edits: CanvasEdit[];
  path: string;
  /** Positions by config path after the edit: the new node's, and those of the nodes it pushed aside. */
  placed: Record<string, NodePosition>;
}

/** Room between a node and the next one in a row (as the layout keeps it). */
const ROW_GAP = 40;

/** `path` after a processor was inserted at `index` of `chain` (later ones and what they hold move up one). */
export function pathAfterInsert(path: string, chain: string, index: number): string {
  const prefix = `${chain}[`;
  if (!path.startsWith(prefix)) return path;
  const end = path.indexOf(']', prefix.length);
  const at = Number(path.slice(prefix.length, end));
  return at >= index ? `${prefix}${at + 1}${path.slice(end)}` : path;
}

/**
 * Where a processor inserted at `chain[index]` is drawn, and the nodes after it pushed right so it
 * does not cover them. It goes where it was dropped (level with the node after it when dropped
 * about there), or without a drop point right of the node before it.
 */
function processorPositions(
  graph: DesignerGraph,
  positions: Positions,
  chain: string,
  index: number,
  point: NodePosition | null,
): Record<string, NodePosition> {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const at = (path: string) => {
    const node = byId.get(path);
    return node ? positions[node.uid] : undefined;
  };
  const owner = chain === MAIN_CHAIN ? 'input' : chain.slice(0, -'.processors'.length);
  const before = index > 0 ? `${chain}[${index - 1}]` : owner;
  const outputPath = chain === MAIN_CHAIN ? 'output' : `${owner}.output`;
  const after = byId.has(`${chain}[${index}]`)
    ? `${chain}[${index}]`
    : byId.has(outputPath)
      ? outputPath
      : null;
  const next = after === null ? undefined : at(after);
  const previous = at(before);
  let box: NodePosition | undefined;
  if (point) {
    box = { x: point.x - NODE_WIDTH / 2, y: point.y - NODE_HEIGHT / 2 };
    if (next && Math.abs(next.y - box.y) < NODE_HEIGHT) box.y = next.y;
    // Not over the node before it, in the same row: just right of it.
    if (previous && Math.abs(previous.y - box.y) < NODE_HEIGHT)
      box.x = Math.max(box.x, previous.x + NODE_WIDTH + ROW_GAP);
  } else if (previous) box = { x: previous.x + NODE_WIDTH + ROW_GAP, y: previous.y };
  if (!box) return {};
  const placed: Record<string, NodePosition> = { [`${chain}[${index}]`]: box };
  if (after === null) return placed;
  // Everything the new node leads to, pushed right as far as it needs.
  const downstream = new Set([after]);
  const stack = [after];
  while (stack.length > 0) {
    const from = stack.pop() as string;
    for (const edge of graph.edges)
      if (edge.source === from && !downstream.has(edge.target)) {
        downstream.add(edge.target);
        stack.push(edge.target);
      }
  }
  const shifted = [...downstream].flatMap((path) => {
    const where = at(path);
    return where ? [{ path, where }] : [];
  });
  const left = Math.min(...shifted.map(({ where }) => where.x));
  const push = box.x + NODE_WIDTH + ROW_GAP - left;
  if (push > 0)
    for (const { path, where } of shifted)
      placed[pathAfterInsert(path, chain, index)] = { x: where.x + push, y: where.y };
  return placed;
}

/**
 * The edit that adds a component `section` of `kind` dropped on `spot`: an input sets the input, an
 * output the output of the branch it was dropped in (else the pipeline's), a processor goes into
 * the chain where it was dropped and pushes the nodes after it aside. `point` is the drop point
 * (the node is centred on it); without one (added from the keyboard) an input or output is laid out
 * next to its neighbours and a processor goes right of the node before it.
 */
export function placementFor(
  graph: DesignerGraph,
  positions: Positions,
  kind: ComponentKind,
  section: Section,
  spot: DropSpot,
  point: NodePosition | null,
): Placement {
  const placedAt = (path: string) =>
    point ? { [path]: { x: point.x - NODE_WIDTH / 2, y: point.y - NODE_HEIGHT / 2 } } : {};
  if (kind === 'input')
    return { edits: [{ kind: 'setInput', section }], path: 'input', placed: placedAt('input') };
  if (kind === 'output') {
    const near = spot.on === 'edge' ? spot.target : spot.on === 'node' ? spot.path : null;
    const branch = near === null ? null : branchOf(near);
    const path = branch === null ? 'output' : `${branch}.output`;
    const edit: CanvasEdit =
      branch === null ? { kind: 'setOutput', section } : { kind: 'setOutput', path, section };
    return { edits: [edit], path, placed: placedAt(path) };
  }
  const { chain, index } = processorPlace(graph, spot);
  return {
    edits: [{ kind: 'insertProcessor', chain, index, section }],
    path: `${chain}[${index}]`,
    placed: processorPositions(graph, positions, chain, index, point),
  };
}

/** Why a connection cannot be drawn: a graph rule (the model's message), or what the canvas cannot do. */
export type ConnectRefusal =
  | { code: 'rule'; message: string }
  /** Already connected, or a node to itself. */
  | { code: 'connected' }
  /** Processors lie between the two: they would have to go first. */
  | { code: 'between' }
  /** A conditional cannot move into its own branches. */
  | { code: 'own-branch' }
  /** A branch belongs to its conditional. */
  | { code: 'branch-owned' };

export type ConnectOutcome =
  | {
      ok: true;
      edits: CanvasEdit[];
      /** Positions by path after the edit: a chain reordered keeps its places, taken in the new order. */
      placed: Record<string, NodePosition>;
    }
  | { ok: false; refusal: ConnectRefusal };

/**
 * Moving the processor at `path` into the gap before `index` of `chain`. Within its own chain the
 * processors keep the chain's places on the canvas in their new order, so the flow still reads left
 * to right; moved to another chain, it keeps its own place.
 */
function moveOutcome(
  graph: DesignerGraph,
  positions: Positions | undefined,
  path: string,
  chain: string,
  index: number,
): ConnectOutcome {
  const edits: CanvasEdit[] = [{ kind: 'moveProcessor', path, chain, index }];
  const from = chainPlace(path);
  if (!positions || from.chain !== chain) return { ok: true, edits, placed: {} };
  const uidAt = (at: number) => graph.uidByPath.get(`${chain}[${at}]`);
  const order = Array.from({ length: chainLength(graph, chain) }, (_, at) => at);
  order.splice(from.index, 1);
  order.splice(index > from.index ? index - 1 : index, 0, from.index);
  const placed: Record<string, NodePosition> = {};
  order.forEach((was, at) => {
    const slot = positions[uidAt(at) ?? ''];
    if (was !== at && slot) placed[`${chain}[${at}]`] = slot;
  });
  return { ok: true, edits, placed };
}

/**
 * What drawing a line from `sourceId` to `targetId` means for the YAML: the target processor moves
 * to follow the source (first in the main chain after the input, first in a branch after the
 * branch), or the source processor moves to be the last before the target output. With
 * `positions`, the outcome also says where the reordered nodes go.
 */
export function connectionEdits(
  graph: DesignerGraph,
  sourceId: string,
  targetId: string,
  positions?: Positions,
): ConnectOutcome {
  const refuse = (refusal: ConnectRefusal): ConnectOutcome => ({ ok: false, refusal });
  const source = graph.nodes.find((node) => node.id === sourceId);
  const target = graph.nodes.find((node) => node.id === targetId);
  if (!source || !target || source.id === target.id) return refuse({ code: 'connected' });
  const problem = connectionProblem(source, target);
  if (problem !== null) return refuse({ code: 'rule', message: problem });
  if (graph.edges.some((edge) => edge.source === source.id && edge.target === target.id))
    return refuse({ code: 'connected' });
  if (target.kind === 'processor') {
    if (isInside(target.id, source.id)) return refuse({ code: 'own-branch' });
    const to =
      source.kind === 'input'
        ? { chain: MAIN_CHAIN, index: 0 }
        : source.kind === 'branch'
          ? { chain: `${source.id}.processors`, index: 0 }
          : (({ chain, index }) => ({ chain, index: index + 1 }))(chainPlace(source.id));
    return moveOutcome(graph, positions, target.id, to.chain, to.index);
  }
  if (target.kind === 'output') {
    if (source.kind !== 'processor') return refuse({ code: 'between' });
    const chain = outputChain(target.id);
    return moveOutcome(graph, positions, source.id, chain, chainLength(graph, chain));
  }
  return refuse({ code: 'branch-owned' });
}
