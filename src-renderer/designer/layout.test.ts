import { describe, expect, it } from 'vitest';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';
import { pipelineGraph } from './pipeline-graph';

describe('layoutGraph', () => {
  it('places a linear pipeline left to right on one row', () => {
    const graph = pipelineGraph({
      version: 1,
      input: { type: 'generate' },
      pipeline: { processors: [{ type: 'filter' }, { type: 'mapping' }] },
      output: { type: 'file' },
    });
    const positions = layoutGraph(graph);
    const xs = graph.nodes.map((n) => positions[n.id].x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(xs.length);
    expect(xs[1] - xs[0]).toBeGreaterThanOrEqual(NODE_WIDTH);
    expect(new Set(graph.nodes.map((n) => positions[n.id].y)).size).toBe(1);
  });

  it('stacks parallel branches in one column without overlap', () => {
    const graph = pipelineGraph({
      version: 1,
      input: { type: 'generate' },
      pipeline: {
        processors: [
          {
            type: 'conditional',
            branches: [
              { when: 'a = 1', output: { type: 'file' } },
              { when: 'a = 2', output: { type: 'file' } },
            ],
            else: { output: { type: 'file' } },
          },
        ],
      },
      output: { type: 'file' },
    });
    const positions = layoutGraph(graph);
    const branchIds = graph.nodes.filter((n) => n.kind === 'branch').map((n) => n.id);
    expect(branchIds).toHaveLength(3);
    const branchXs = new Set(branchIds.map((id) => positions[id].x));
    expect(branchXs.size).toBe(1);
    const ys = branchIds.map((id) => positions[id].y).sort((a, b) => a - b);
    expect(ys[1] - ys[0]).toBeGreaterThanOrEqual(NODE_HEIGHT);
    expect(ys[2] - ys[1]).toBeGreaterThanOrEqual(NODE_HEIGHT);
    expect(positions[branchIds[0]].x).toBeGreaterThan(positions['pipeline.processors[0]'].x);
  });
});
