import { isNode, LineCounter, parseDocument } from 'yaml';
import type { ConfigProblem } from '../../../src-shared/api/model';
import type { GraphProblem } from '../designer-model';
import { pathSegments } from '../pipeline-graph';
import { isInside } from './node-issues';

/*
 * The graph rules the canvas shows on nodes, as editor markers too: each placed at the start of its
 * node's section in the text (or of the nearest section above it that is there). A node the server
 * already reports a problem for gets no second marker.
 */

/** Markers for graph problems, worded by `describe`, in the shape validation problems have. */
export function graphProblemMarkers(
  text: string,
  fileName: string,
  problems: readonly GraphProblem[],
  validation: readonly Pick<ConfigProblem, 'path'>[],
  describe: (problem: GraphProblem) => string,
): ConfigProblem[] {
  const open = problems.filter(
    (problem) => !validation.some((known) => known.path !== '' && isInside(problem.nodeId, known.path)),
  );
  if (open.length === 0) return [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) return [];
  return open.map((problem) => {
    const segments = pathSegments(problem.nodeId);
    let offset = 0;
    for (let depth = segments.length; depth > 0; depth--) {
      const node: unknown = doc.getIn(segments.slice(0, depth), true);
      if (isNode(node) && node.range) {
        offset = node.range[0];
        break;
      }
    }
    const { line, col } = lines.linePos(offset);
    return { file: fileName, line, col, path: problem.nodeId, message: describe(problem) };
  });
}
