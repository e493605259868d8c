import { Graph, layout } from '@dagrejs/dagre';
import type { PipelineGraph } from './pipeline-graph';

/** Top-left corner of a laid-out node, as @xyflow/react positions nodes. */
export interface NodePosition {
  x: number;
  y: number;
}

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  /** Gap between columns (stages). */
  rankGap?: number;
  /** Gap between nodes in the same column (parallel branches). */
  nodeGap?: number;
}

/** Default box size of a flow node; the node view uses the same numbers. */
export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 60;

/**
 * Places every node left to right with dagre: each stage a column, parallel branches
 * stacked. Returns top-left corners keyed by node id.
 */
export function layoutGraph(graph: PipelineGraph, options: LayoutOptions = {}): Record<string, NodePosition> {
  const width = options.nodeWidth ?? NODE_WIDTH;
  const height = options.nodeHeight ?? NODE_HEIGHT;
  const g = new Graph();
  g.setGraph({
    rankdir: 'LR',
    ranksep: options.rankGap ?? 40,
    nodesep: options.nodeGap ?? 28,
    marginx: 16,
    marginy: 16,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { width, height });
  for (const edge of graph.edges) g.setEdge(edge.source, edge.target);
  layout(g);
  const positions: Record<string, NodePosition> = {};
  for (const node of graph.nodes) {
    const placed = g.node(node.id) as { x: number; y: number };
    // dagre gives centres; xyflow wants top-left corners.
    positions[node.id] = { x: placed.x - width / 2, y: placed.y - height / 2 };
  }
  return positions;
}
