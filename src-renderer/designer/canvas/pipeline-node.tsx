import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCount } from '../../app/format';
import { NODE_HEIGHT, NODE_WIDTH } from '../layout';
import type { NodeCount } from '../node-counts';
import type { PipelineNodeKind } from '../pipeline-graph';
import type { PipelineFlowNode } from './flow-elements';
import { issueText } from './issue-text';

/*
 * One node of the flow: its kind, component type and what it does, coloured by its state (red with
 * an icon for errors, yellow for warnings, blue when selected); hovering lists the problems. A
 * run's row counts hang under it.
 */

function CountLine({ kind, count }: { kind: PipelineNodeKind; count: NodeCount }) {
  const { t, i18n } = useTranslation();
  const n = (value: number) => formatCount(value, i18n.language);
  const main =
    kind === 'input'
      ? t('designer.count_read', { count: n(count.out) })
      : kind === 'output'
        ? t('designer.count_written', { count: n(count.out) })
        : t('designer.count_in_out', { in: n(count.in ?? 0), out: n(count.out) });
  return (
    <div
      className={`flow-node-count${count.failed > 0 ? ' has-failed' : ''}`}
      data-testid="flow-node-count"
      data-out={count.out}
    >
      {main}
      {count.failed > 0 && <span> · {t('designer.count_rejected', { count: n(count.failed) })}</span>}
    </div>
  );
}

function PipelineNodeView({ data, selected }: NodeProps<PipelineFlowNode>) {
  const { t } = useTranslation();
  const { node, status, issues, count, dropTarget } = data;
  const title =
    node.kind === 'branch' ? (node.type === 'else' ? t('graph.otherwise') : t('designer.when')) : node.type;
  const lines = issues.map((issue) => issueText(t, issue, node.kind));
  const boxClass = [
    'flow-node',
    `flow-node-${node.kind}`,
    status !== 'normal' ? `flow-node-${status}` : '',
    issues.some((issue) => issue.source === 'rule' && issue.rule === 'orphan') ? 'flow-node-orphan' : '',
    dropTarget ? 'flow-node-drop' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className="designer-node"
      data-testid="flow-node"
      data-node-id={node.id}
      data-node-kind={node.kind}
      data-status={status}
      data-selected={selected ? 'true' : 'false'}
    >
      {node.kind !== 'input' && <Handle type="target" position={Position.Left} />}
      <div className={boxClass} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}>
        <div className="flow-node-head">
          <span className="flow-node-kind">{t(`graph.${node.kind}`)}</span>
          {status !== 'normal' && (
            <span
              className={`flow-node-icon flow-node-icon-${status}`}
              role="img"
              aria-label={status === 'error' ? t('designer.status_error') : t('designer.status_warning')}
            >
              !
            </span>
          )}
        </div>
        <div className="flow-node-type">{title}</div>
        <div className="flow-node-detail" title={node.detail}>
          {node.detail || '\u00a0'}
        </div>
      </div>
      {count && <CountLine kind={node.kind} count={count} />}
      {lines.length > 0 && (
        <ul
          className={`flow-node-issues flow-node-issues-${status}`}
          role="tooltip"
          data-testid="flow-node-issues"
        >
          {lines.map((line, index) => (
            <li key={index}>{line}</li>
          ))}
        </ul>
      )}
      {node.kind !== 'output' && <Handle type="source" position={Position.Right} />}
    </div>
  );
}

export const PipelineNode = memo(PipelineNodeView);

/** The node types the canvas registers (a constant: React Flow warns when it changes). */
export const nodeTypes = { pipeline: PipelineNode };
