import type { Edge, Node } from '@xyflow/react';
import { connectionProblem } from '../designer-model';
import { NODE_HEIGHT, NODE_WIDTH } from '../layout';
import type { NodeCount } from '../node-counts';
import type { DesignerGraph, DesignerNode, Positions } from '../node-identity';
import { statusOf, type NodeIssue, type NodeStatus } from './node-issues';
import type { DropSpot } from './placement';

/*
 * The designer's state as @xyflow/react nodes and edges. Nodes are keyed by uid (a node keeps its
 * identity and position while its config path changes); a node whose drawing did not change keeps
 * its object, so React Flow re-renders only what changed (a 150-node pipeline stays smooth while
 * typing).
 */

export type PipelineNodeData = {
  node: DesignerNode;
  status: NodeStatus;
  issues: NodeIssue[];
  count: NodeCount | null;
  /** A palette item being dragged would land on this node. */
  dropTarget: boolean;
  /** What the drawing depends on, to tell an unchanged node. */
  signature: string;
};

export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;
export type PipelineFlowEdge = Edge<{ invalid: boolean }>;

export interface FlowInput {
  graph: DesignerGraph;
  positions: Positions;
  selection: readonly string[];
  issues: ReadonlyMap<string, NodeIssue[]>;
  counts: Readonly<Record<string, NodeCount>>;
  drop: DropSpot | null;
}

/**
 * The nodes to draw, reusing `previous` objects where nothing changed; a node being dragged keeps
 * the position React Flow gave it (a run's counts may arrive mid-drag).
 */
export function buildFlowNodes(input: FlowInput, previous: readonly PipelineFlowNode[]): PipelineFlowNode[] {
  const before = new Map(previous.map((node) => [node.id, node]));
  const selected = new Set(input.selection);
  const dropPath = input.drop?.on === 'node' ? input.drop.path : null;
  return input.graph.nodes.map((node): PipelineFlowNode => {
    const issues = input.issues.get(node.id) ?? [];
    const count = input.counts[node.id] ?? null;
    const old = before.get(node.uid);
    const position = old?.dragging ? old.position : (input.positions[node.uid] ?? { x: 0, y: 0 });
    const isSelected = selected.has(node.uid);
    const dropTarget = dropPath === node.id;
    const signature = JSON.stringify([node.id, node.kind, node.type, node.detail, issues, count, dropTarget]);
    if (
      old &&
      old.data.signature === signature &&
      old.selected === isSelected &&
      old.position.x === position.x &&
      old.position.y === position.y
    )
      return old;
    return {
      id: node.uid,
      type: 'pipeline',
      position,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      // Keeping what React Flow measured spares it measuring the node (and its handles) again.
      ...(old?.measured ? { measured: old.measured } : {}),
      selected: isSelected,
      data: { node, status: statusOf(issues), issues, count, dropTarget, signature },
    };
  });
}

/** The edges to draw: branch edges labelled, edges the rules forbid marked, a drop target lit. */
export function buildFlowEdges(graph: DesignerGraph, drop: DropSpot | null): PipelineFlowEdge[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  return graph.edges.flatMap((edge): PipelineFlowEdge[] => {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) return [];
    const invalid = connectionProblem(source, target) !== null;
    const lit = drop?.on === 'edge' && drop.source === edge.source && drop.target === edge.target;
    const className = [invalid ? 'flow-edge-invalid' : '', lit ? 'flow-edge-drop' : '']
      .filter(Boolean)
      .join(' ');
    return [
      {
        id: `${source.uid}->${target.uid}`,
        source: source.uid,
        target: target.uid,
        type: 'smoothstep',
        selectable: false,
        deletable: false,
        focusable: false,
        data: { invalid },
        ...(className ? { className } : {}),
        ...(edge.label !== undefined ? { label: edge.label } : {}),
      },
    ];
  });
}
