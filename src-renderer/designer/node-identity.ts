import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type NodePosition } from './layout';
import { valueAtPath, type PipelineEdge, type PipelineGraph, type PipelineNode } from './pipeline-graph';

/*
 * A node's config path is not its identity: inserting a processor shifts the paths of every one
 * after it. The canvas keys nodes (and their positions) by a `uid` that survives such changes.
 * When a new graph arrives (a YAML edit, a canvas edit, an undo), its nodes are matched against
 * the previous graph's, cheapest evidence first:
 *   1. same path, type and settings: the node did not change;
 *   2. same type and settings elsewhere (taken in document order, so duplicates keep their order):
 *      it moved, or something was inserted or removed before it;
 *   3. same path and type: its settings were edited in place;
 *   4. same path and kind, both left over: its type was edited in place (typed letter by letter).
 * Step 2 runs before 3 because inserting a filter before a filter would otherwise hand the new
 * node the old one's identity, and every node after it its predecessor's.
 * Unmatched nodes are new: they get a fresh uid and a position laid out next to their neighbours.
 */

/** A flow node with the identity it keeps while its config path changes. */
export interface DesignerNode extends PipelineNode {
  /** Stable across edits; the canvas keys the node and its position by it. */
  uid: string;
  /** The node's own settings (without its branches or chain) as text: recognises it after a move. */
  fingerprint: string;
}

export interface DesignerGraph {
  nodes: DesignerNode[];
  /** Edges between config paths (node ids), as `pipelineGraph` builds them. */
  edges: PipelineEdge[];
  /** Config path (node id) → uid. */
  uidByPath: ReadonlyMap<string, string>;
}

/** Top-left corners of the nodes, keyed by uid. */
export type Positions = Readonly<Record<string, NodePosition>>;

/** Positions keyed by config path, as a saved flow diagram keeps them (uids live only for a session). */
export function positionsByPath(graph: DesignerGraph, positions: Positions): Record<string, NodePosition> {
  return Object.fromEntries(graph.nodes.map((node) => [node.id, positions[node.uid]]));
}

export interface IdentifiedGraph {
  graph: DesignerGraph;
  positions: Record<string, NodePosition>;
  /** The uids of nodes that were not in the previous graph. */
  added: string[];
}

export const EMPTY_GRAPH: DesignerGraph = { nodes: [], edges: [], uidByPath: new Map() };

/** What a node is set to, apart from the parts drawn as nodes of their own. */
export function fingerprintOf(node: PipelineNode, config: unknown): string {
  const section = valueAtPath(config, node.id);
  if (section === null || typeof section !== 'object' || Array.isArray(section))
    return JSON.stringify(section);
  const own: Record<string, unknown> = { ...section };
  if (node.kind === 'processor') {
    delete own.branches;
    delete own.else;
  } else if (node.kind === 'branch') {
    delete own.processors;
    delete own.output;
  }
  return JSON.stringify(own);
}

type Fingerprinted = PipelineNode & { fingerprint: string };

/** The previous uid of each next node (see the steps above), or undefined for a new node. */
export function matchNodes(
  previous: readonly DesignerNode[],
  next: readonly Fingerprinted[],
): (string | undefined)[] {
  const uids: (string | undefined)[] = new Array<string | undefined>(next.length);
  const taken = new Set<string>();
  const byPath = new Map(previous.map((node) => [node.id, node]));
  const sameKind = (a: PipelineNode, b: PipelineNode) => a.kind === b.kind && a.type === b.type;
  const claim = (i: number, node: DesignerNode) => {
    uids[i] = node.uid;
    taken.add(node.uid);
  };

  next.forEach((node, i) => {
    const before = byPath.get(node.id);
    if (before && sameKind(before, node) && before.fingerprint === node.fingerprint) claim(i, before);
  });

  const contentKey = (node: Fingerprinted) => `${node.kind}\u0000${node.type}\u0000${node.fingerprint}`;
  const queues = new Map<string, DesignerNode[]>();
  for (const node of previous) {
    if (taken.has(node.uid)) continue;
    const queue = queues.get(contentKey(node));
    if (queue) queue.push(node);
    else queues.set(contentKey(node), [node]);
  }
  next.forEach((node, i) => {
    if (uids[i] !== undefined) return;
    const candidate = queues.get(contentKey(node))?.shift();
    if (candidate) claim(i, candidate);
  });

  for (const same of [sameKind, (a: PipelineNode, b: PipelineNode) => a.kind === b.kind])
    next.forEach((node, i) => {
      if (uids[i] !== undefined) return;
      const before = byPath.get(node.id);
      if (before && !taken.has(before.uid) && same(before, node)) claim(i, before);
    });
  return uids;
}

/**
 * Gives the nodes of a freshly built graph their identities and positions: matched nodes keep the
 * previous uid and position, new ones get `newUid()` and a place next to their neighbours.
 * `pinned` positions (by config path in `next`) win: where a node was dropped, or a saved diagram.
 */
export function identifyGraph(
  previous: { graph: DesignerGraph; positions: Positions } | null,
  next: PipelineGraph,
  config: unknown,
  newUid: () => string,
  pinned: Readonly<Record<string, NodePosition>> = {},
): IdentifiedGraph {
  const fingerprinted = next.nodes.map((node) => ({ ...node, fingerprint: fingerprintOf(node, config) }));
  const matched = previous ? matchNodes(previous.graph.nodes, fingerprinted) : [];
  const added: string[] = [];
  const nodes = fingerprinted.map((node, i) => {
    let uid = matched[i];
    if (uid === undefined) {
      uid = newUid();
      added.push(uid);
    }
    return { ...node, uid };
  });
  const graph: DesignerGraph = {
    nodes,
    edges: next.edges,
    uidByPath: new Map(nodes.map((node) => [node.id, node.uid])),
  };
  const positions: Record<string, NodePosition> = {};
  const unplaced = new Set<string>();
  for (const node of nodes) {
    const kept = pinned[node.id] ?? previous?.positions[node.uid];
    if (kept) positions[node.uid] = kept;
    else unplaced.add(node.uid);
  }
  placeNewNodes(graph, positions, unplaced);
  return { graph, positions, added };
}

/** Room kept between boxes when a new node is nudged off an existing one. */
const GAP = 24;

/**
 * Places nodes that have no position yet. With nothing placed, the whole graph is laid out. Else
 * each connected group of new nodes is laid out by dagre together with its placed neighbours only
 * (a whole-graph layout of 150 nodes takes ~100 ms), shifted so a neighbour lands where it already
 * is, then moved down until it covers no existing node.
 */
export function placeNewNodes(
  graph: DesignerGraph,
  positions: Record<string, NodePosition>,
  fresh: ReadonlySet<string>,
) {
  if (fresh.size === 0) return;
  const uidOf = (path: string) => graph.uidByPath.get(path) as string;
  const placed = graph.nodes.filter((node) => !fresh.has(node.uid));
  if (placed.length === 0) {
    const laid = layoutGraph(graph);
    for (const node of graph.nodes) positions[node.uid] = laid[node.id];
    return;
  }
  const neighbours = new Map<string, { from: string[]; to: string[] }>();
  const linksOf = (path: string) => {
    let links = neighbours.get(path);
    if (!links) neighbours.set(path, (links = { from: [], to: [] }));
    return links;
  };
  for (const edge of graph.edges) {
    linksOf(edge.source).to.push(edge.target);
    linksOf(edge.target).from.push(edge.source);
  }
  const isFresh = (path: string) => fresh.has(uidOf(path));
  const grouped = new Set<string>();
  for (const start of graph.nodes) {
    if (!fresh.has(start.uid) || grouped.has(start.id)) continue;
    // The connected group of new nodes around `start`, and the placed nodes touching it.
    const group: string[] = [];
    const touching = new Set<string>();
    const stack = [start.id];
    grouped.add(start.id);
    while (stack.length > 0) {
      const path = stack.pop() as string;
      group.push(path);
      const { from, to } = linksOf(path);
      for (const other of [...from, ...to]) {
        if (!isFresh(other)) touching.add(other);
        else if (!grouped.has(other)) {
          grouped.add(other);
          stack.push(other);
        }
      }
    }
    placeGroup(graph, positions, group, touching, linksOf);
  }
}

function placeGroup(
  graph: DesignerGraph,
  positions: Record<string, NodePosition>,
  group: string[],
  touching: Set<string>,
  linksOf: (path: string) => { from: string[]; to: string[] },
) {
  const uidOf = (path: string) => graph.uidByPath.get(path) as string;
  const members = new Set([...group, ...touching]);
  const inGroup = new Set(group);
  const local = layoutGraph({
    nodes: graph.nodes.filter((node) => members.has(node.id)),
    edges: graph.edges.filter((edge) => members.has(edge.source) && members.has(edge.target)),
  });
  // Anchor on a node the group comes from (else one it leads to): the flow reads on from there.
  const anchor =
    [...touching].find((path) => linksOf(path).to.some((target) => inGroup.has(target))) ?? [...touching][0];
  let dx = 0;
  let dy = 0;
  if (anchor !== undefined) {
    dx = positions[uidOf(anchor)].x - local[anchor].x;
    dy = positions[uidOf(anchor)].y - local[anchor].y;
  } else {
    // Not connected to anything placed: below everything.
    const bottom = Math.max(...Object.values(positions).map((p) => p.y));
    dy = bottom + NODE_HEIGHT + GAP * 2;
  }
  const existing = Object.values(positions);
  const overlaps = (x: number, y: number) =>
    existing.some((p) => Math.abs(p.x - x) < NODE_WIDTH + GAP && Math.abs(p.y - y) < NODE_HEIGHT + GAP);
  const step = NODE_HEIGHT + GAP;
  let shift = 0;
  while (shift < 50 * step && group.some((path) => overlaps(local[path].x + dx, local[path].y + dy + shift)))
    shift += step;
  for (const path of group) positions[uidOf(path)] = { x: local[path].x + dx, y: local[path].y + dy + shift };
}
