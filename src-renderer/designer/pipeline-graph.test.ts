import { describe, expect, it } from 'vitest';
import { pipelineGraph, pipelineGraphFromYaml } from './pipeline-graph';

const linear = `
version: 1
input: { type: generate, count: 10 }
pipeline:
  processors:
    - type: filter
      condition: qty > 0
    - type: mapping
      fields: { order_id: id, qty: qty }
output: { type: file, path: output/orders.csv }
`;

const conditional = `
version: 1
input: { type: sqlite, path: shop.db, query: { table: orders } }
pipeline:
  processors:
    - type: filter
      condition: qty > 0
    - type: conditional
      branches:
        - when: region = 'EU'
          processors:
            - { type: mapping, fields: { id: id } }
          output: { type: file, path: eu.csv }
        - when: region = 'US'
    - type: mapping
      fields: { id: id }
output: { type: file, path: rest.csv }
`;

describe('pipelineGraph', () => {
  it('chains input, each processor and output in order', () => {
    const result = pipelineGraphFromYaml(linear);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { nodes, edges } = result.graph;
    expect(nodes.map((n) => [n.id, n.kind, n.type, n.detail])).toEqual([
      ['input', 'input', 'generate', ''],
      ['pipeline.processors[0]', 'processor', 'filter', 'qty > 0'],
      ['pipeline.processors[1]', 'processor', 'mapping', 'order_id, qty'],
      ['output', 'output', 'file', 'output/orders.csv'],
    ]);
    expect(edges.map((e) => `${e.source} -> ${e.target}`)).toEqual([
      'input -> pipeline.processors[0]',
      'pipeline.processors[0] -> pipeline.processors[1]',
      'pipeline.processors[1] -> output',
    ]);
  });

  it('connects input straight to output when there are no processors', () => {
    const graph = pipelineGraph({ version: 1, input: { type: 'file' }, output: { type: 'sqlite' } });
    expect(graph.edges.map((e) => `${e.source} -> ${e.target}`)).toEqual(['input -> output']);
  });

  it('forks a conditional into branches with their own chains and outputs', () => {
    const result = pipelineGraphFromYaml(conditional);
    if (!result.ok) throw new Error(result.message);
    const { nodes, edges } = result.graph;
    const cond = 'pipeline.processors[1]';
    expect(nodes.find((n) => n.id === `${cond}.branches[0]`)).toMatchObject({
      kind: 'branch',
      detail: "region = 'EU'",
    });
    expect(nodes.find((n) => n.id === `${cond}.branches[0].output`)).toMatchObject({
      kind: 'output',
      detail: 'eu.csv',
    });
    const pairs = edges.map((e) => `${e.source} -> ${e.target}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        `pipeline.processors[0] -> ${cond}`,
        `${cond} -> ${cond}.branches[0]`,
        `${cond}.branches[0] -> ${cond}.branches[0].processors[0]`,
        `${cond}.branches[0].processors[0] -> ${cond}.branches[0].output`,
        `${cond} -> ${cond}.branches[1]`,
        // The US branch has no output of its own and there is no else: both flow on.
        `${cond}.branches[1] -> pipeline.processors[2]`,
        `${cond} -> pipeline.processors[2]`,
        'pipeline.processors[2] -> output',
      ]),
    );
    expect(pairs).not.toContain(`${cond}.branches[0].output -> pipeline.processors[2]`);
  });

  it('gives an explicit else branch its own node and output', () => {
    const graph = pipelineGraph({
      version: 1,
      input: { type: 'generate' },
      pipeline: {
        processors: [
          {
            type: 'conditional',
            branches: [{ when: 'a > 1', output: { type: 'file', path: 'a.csv' } }],
            else: { output: { type: 'file', path: 'b.csv' } },
          },
        ],
      },
      output: { type: 'file', path: 'main.csv' },
    });
    const cond = 'pipeline.processors[0]';
    expect(graph.nodes.find((n) => n.id === `${cond}.else`)).toMatchObject({ kind: 'branch', type: 'else' });
    expect(graph.edges.map((e) => `${e.source} -> ${e.target}`)).toContain(
      `${cond}.else -> ${cond}.else.output`,
    );
    // Every branch ends in its own output, so nothing reaches the main output.
    expect(graph.edges.some((e) => e.target === 'output')).toBe(false);
  });

  it('still draws a graph for incomplete configs', () => {
    const graph = pipelineGraph({ version: 1, pipeline: { processors: [null, { condition: 'x' }] } });
    expect(graph.nodes.map((n) => n.type)).toEqual(['?', '?', '?', '?']);
  });

  it('reports a YAML syntax error instead of a graph', () => {
    const result = pipelineGraphFromYaml('input: { type: file\noutput: [');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toBe('');
  });
});
