import type { ConfigProblem } from '../../../src-shared/api/model';
import type { FieldIssue } from '../../../src-shared/forms/nested-form-validation';
import { pathSegments } from '../pipeline-graph';

/**
 * The server's problems inside a node, at paths relative to the node's section
 * (`pipeline.processors[1].fields.total` → `['fields', 'total']`), with their messages as said.
 */
export function nodeProblemIssues(problems: readonly ConfigProblem[], nodePath: string): FieldIssue[] {
  const base = pathSegments(nodePath);
  return problems.flatMap((problem) => {
    const segments = pathSegments(problem.path);
    const inside = base.every((key, i) => segments[i] === key);
    return inside ? [{ path: segments.slice(base.length), message: problem.message }] : [];
  });
}
