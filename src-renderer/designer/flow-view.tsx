import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  useReactFlow,
  useStore,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';
import type { PipelineGraph, PipelineNode } from './pipeline-graph';

type FlowNode = Node<{ node: PipelineNode; problem: boolean }, 'pipeline'>;

function PipelineNodeView({ data }: NodeProps<FlowNode>) {
  const { t } = useTranslation();
  const { node, problem } = data;
  const kindLabel = node.kind === 'branch' ? t('graph.branch') : t(`graph.${node.kind}`);
  const title = node.kind === 'branch' ? (node.type === 'else' ? t('graph.otherwise') : 'when') : node.type;
  return (
    <div
      className={`flow-node flow-node-${node.kind}${problem ? ' flow-node-problem' : ''}`}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      data-testid="flow-node"
      data-node-id={node.id}
      data-node-kind={node.kind}
      title={node.detail}
    >
      {node.kind !== 'input' && <Handle type="target" position={Position.Left} isConnectable={false} />}
      <div className="flow-node-kind">{kindLabel}</div>
      <div className="flow-node-type">{title}</div>
      <div className="flow-node-detail">{node.detail || '\u00a0'}</div>
      {node.kind !== 'output' && <Handle type="source" position={Position.Right} isConnectable={false} />}
    </div>
  );
}

const nodeTypes = { pipeline: PipelineNodeView };
const fitViewOptions = { padding: 0.15, maxZoom: 1 };

/**
 * Fits the view again when nodes come or go (the `fitView` prop fits only the first graph),
 * once every node of the new graph has been measured: fitting earlier leaves new nodes out.
 */
function RefitOnChange({ shape }: { shape: string }) {
  const { fitView } = useReactFlow();
  const measured = useStore((state) =>
    [...state.nodeLookup.values()]
      .filter((node) => node.measured.width !== undefined)
      .map((node) => node.id)
      .join(' '),
  );
  useEffect(() => {
    if (measured === shape) void fitView(fitViewOptions);
  }, [measured, shape, fitView]);
  return null;
}

/**
 * The pipeline as a read-only flow graph, laid out left to right. Nodes whose config
 * path has a validation problem are outlined.
 */
export function FlowView({
  graph,
  problemPaths,
  selectedId,
  onNodeClick,
}: {
  graph: PipelineGraph;
  problemPaths: string[];
  /** The node shown as selected (the one the step preview shows). */
  selectedId?: string | null;
  onNodeClick?: (id: string) => void;
}) {
  const { nodes, edges } = useMemo(() => {
    const positions = layoutGraph(graph);
    const hasProblem = (id: string) =>
      problemPaths.some(
        (path) => path === id || path.startsWith(`${id}.`) || (id === 'input' && path.startsWith('input')),
      );
    const flowNodes: FlowNode[] = graph.nodes.map((node) => ({
      id: node.id,
      type: 'pipeline',
      position: positions[node.id],
      data: { node, problem: hasProblem(node.id) },
      selected: node.id === selectedId,
      draggable: false,
      connectable: false,
    }));
    const flowEdges: Edge[] = graph.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      type: 'smoothstep',
      // A branch's name or condition, on the edge into it.
      ...(edge.label !== undefined ? { label: edge.label } : {}),
    }));
    return { nodes: flowNodes, edges: flowEdges };
  }, [graph, problemPaths, selectedId]);

  return (
    <div className="flow-view" data-testid="flow-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={fitViewOptions}
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={false}
        onNodeClick={onNodeClick && ((_, node) => onNodeClick(node.id))}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} size={1} />
        <Controls showInteractive={false} />
        <RefitOnChange shape={nodes.map((node) => node.id).join(' ')} />
      </ReactFlow>
    </div>
  );
}
