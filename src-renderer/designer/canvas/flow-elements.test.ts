import { describe, expect, it } from 'vitest';
import { createDesignerModel } from '../designer-model';
import { buildFlowEdges, buildFlowNodes, type FlowInput } from './flow-elements';
import { nodeIssues } from './node-issues';

const text = `input: { type: generate }
pipeline:
  processors:
    - { type: filter, condition: a > 1 }
    - type: conditional
      branches:
        - when: a > 5
          output: { type: file, path: big.csv }
    - { type: mapping, fields: { b: a } }
output: { type: file, path: out.csv }
`;

function inputOf(source = text): FlowInput {
  const state = createDesignerModel(source).getState();
  return {
    graph: state.graph,
    positions: state.positions,
    selection: [],
    issues: nodeIssues(state.graph.nodes, [], state.problems),
    counts: {},
    drop: null,
  };
}

describe('flow elements', () => {
  it('draws each node by uid at its position, with its status and counts', () => {
    const input = inputOf();
    const nodes = buildFlowNodes({ ...input, counts: { input: { out: 7, failed: 0 } } }, []);
    expect(nodes.map((node) => node.id)).toEqual(input.graph.nodes.map((node) => node.uid));
    expect(nodes[0].position).toEqual(input.positions[nodes[0].id]);
    expect(nodes[0].data.count).toEqual({ out: 7, failed: 0 });
    // The mapping after the conditional breaks a rule.
    const mapping = nodes.find((node) => node.data.node.id === 'pipeline.processors[2]');
    expect(mapping?.data.status).toBe('error');
  });

  it('keeps the objects of nodes that did not change, and a dragged node where it is', () => {
    const input = inputOf();
    const first = buildFlowNodes(input, []);
    const dragged = { ...first[1], dragging: true, position: { x: -1, y: -2 } };
    const selected = input.graph.nodes[3].uid;
    const second = buildFlowNodes({ ...input, selection: [selected] }, [
      first[0],
      dragged,
      ...first.slice(2),
    ]);
    expect(second[0]).toBe(first[0]);
    expect(second[1].position).toEqual({ x: -1, y: -2 });
    expect(second[3]).not.toBe(first[3]);
    expect(second[3].selected).toBe(true);
  });

  it('labels branch edges, marks the ones the rules forbid and lights a drop target', () => {
    const { graph } = inputOf();
    const edges = buildFlowEdges(graph, { on: 'edge', source: 'input', target: 'pipeline.processors[0]' });
    const uid = (path: string) => graph.uidByPath.get(path);
    const edge = (from: string, to: string) => edges.find((e) => e.id === `${uid(from)}->${uid(to)}`);
    expect(edge('input', 'pipeline.processors[0]')?.className).toBe('flow-edge-drop');
    expect(edge('pipeline.processors[1]', 'pipeline.processors[1].branches[0]')?.label).toBe('a > 5');
    expect(edge('pipeline.processors[1]', 'pipeline.processors[2]')?.className).toBe('flow-edge-invalid');
  });
});
