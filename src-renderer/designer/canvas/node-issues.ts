import type { ConfigProblem } from '../../../src-shared/api/model';
import type { GraphProblem, GraphRule } from '../designer-model';
import type { NodeCount } from '../node-counts';
import { pathSegments, type PipelineNode } from '../pipeline-graph';

/*
 * What is wrong with each node of the flow, as the canvas colours it: the server's validation
 * problems (placed by config path), the graph rules the model checks, and rows a run rejected.
 */

/** One thing to say about a node; the view words it in the user's language. */
export type NodeIssue =
  | { source: 'validation'; severity: 'error'; message: string; path: string }
  | { source: 'rule'; severity: 'error' | 'warning'; rule: GraphRule; message: string }
  | { source: 'run'; severity: 'warning'; failed: number };

export type NodeStatus = 'normal' | 'warning' | 'error';

/** Graph rules that leave the pipeline runnable-looking but incomplete: shown yellow, not red. */
const WARNING_RULES: ReadonlySet<GraphRule> = new Set<GraphRule>(['orphan', 'dead-end']);

/** Whether config path `path` is `node` or lies inside it. */
export function isInside(node: string, path: string): boolean {
  return path === node || path.startsWith(`${node}.`) || path.startsWith(`${node}[`);
}

/**
 * The node a validation problem belongs to: the deepest node whose path contains the problem's
 * (a branch output's problem belongs to that output, not to the conditional around it).
 */
export function ownerOf(nodes: readonly Pick<PipelineNode, 'id'>[], path: string): string | null {
  let best: string | null = null;
  let depth = -1;
  for (const node of nodes) {
    if (!isInside(node.id, path)) continue;
    const d = pathSegments(node.id).length;
    if (d > depth) {
      best = node.id;
      depth = d;
    }
  }
  return best;
}

/** Issues by node id (config path); nodes without any are absent. */
export function nodeIssues(
  nodes: readonly Pick<PipelineNode, 'id'>[],
  validation: readonly ConfigProblem[],
  rules: readonly GraphProblem[],
  counts: Readonly<Record<string, NodeCount>> = {},
): Map<string, NodeIssue[]> {
  const issues = new Map<string, NodeIssue[]>();
  const add = (id: string, issue: NodeIssue) => {
    const list = issues.get(id);
    if (list) list.push(issue);
    else issues.set(id, [issue]);
  };
  for (const problem of validation) {
    const owner = problem.path ? ownerOf(nodes, problem.path) : null;
    if (owner !== null)
      add(owner, { source: 'validation', severity: 'error', message: problem.message, path: problem.path });
  }
  for (const problem of rules)
    add(problem.nodeId, {
      source: 'rule',
      severity: WARNING_RULES.has(problem.rule) ? 'warning' : 'error',
      rule: problem.rule,
      message: problem.message,
    });
  const ids = new Set(nodes.map((node) => node.id));
  for (const [id, count] of Object.entries(counts))
    if (count.failed > 0 && ids.has(id))
      add(id, { source: 'run', severity: 'warning', failed: count.failed });
  return issues;
}

/** Red when anything is an error, yellow for warnings only. */
export function statusOf(issues: readonly NodeIssue[] | undefined): NodeStatus {
  if (!issues || issues.length === 0) return 'normal';
  return issues.some((issue) => issue.severity === 'error') ? 'error' : 'warning';
}
