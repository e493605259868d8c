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
        - name: europe
          when: region = 'EU'
          processors:
            - { type: mapping, fields: { id: id } }
          output: { type: file, path: eu.csv }
        - when: region = 'US'
          output: { type: postgresql, write: { table: us_orders } }
      else:
        output: { type: sqlite, path: rest.db, write: { table: rest } }
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

  it('fans a closing conditional out to each branch’s chain and output, edges labelled', () => {
    const result = pipelineGraphFromYaml(conditional);
    if (!result.ok) throw new Error(result.message);
    const { nodes, edges } = result.graph;
    const cond = 'pipeline.processors[1]';
    expect(nodes.map((n) => [n.id, n.kind, n.type, n.detail])).toEqual([
      ['input', 'input', 'sqlite', 'shop.db'],
      ['pipeline.processors[0]', 'processor', 'filter', 'qty > 0'],
      [cond, 'processor', 'conditional', ''],
      [`${cond}.branches[0]`, 'branch', 'when', "region = 'EU'"],
      [`${cond}.branches[0].processors[0]`, 'processor', 'mapping', 'id'],
      [`${cond}.branches[0].output`, 'output', 'file', 'eu.csv'],
      [`${cond}.branches[1]`, 'branch', 'when', "region = 'US'"],
      [`${cond}.branches[1].output`, 'output', 'postgresql', 'us_orders'],
      [`${cond}.else`, 'branch', 'else', ''],
      [`${cond}.else.output`, 'output', 'sqlite', 'rest.db'],
    ]);
    expect(
      edges.map((e) => (e.label ? `${e.source} -[${e.label}]-> ${e.target}` : `${e.source} -> ${e.target}`)),
    ).toEqual([
      'input -> pipeline.processors[0]',
      `pipeline.processors[0] -> ${cond}`,
      `${cond} -[europe]-> ${cond}.branches[0]`,
      `${cond}.branches[0] -> ${cond}.branches[0].processors[0]`,
      `${cond}.branches[0].processors[0] -> ${cond}.branches[0].output`,
      `${cond} -[region = 'US']-> ${cond}.branches[1]`,
      `${cond}.branches[1] -> ${cond}.branches[1].output`,
      `${cond} -[else]-> ${cond}.else`,
      `${cond}.else -> ${cond}.else.output`,
    ]);
  });

  it('still draws a top-level output written beside a closing conditional, for its problem to show', () => {
    const graph = pipelineGraph({
      version: 1,
      input: { type: 'generate' },
      pipeline: {
        processors: [
          { type: 'conditional', branches: [{ when: 'a > 1', output: { type: 'file', path: 'a.csv' } }] },
        ],
      },
      output: { type: 'file', path: 'main.csv' },
    });
    expect(graph.edges.map((e) => `${e.source} -> ${e.target}`)).toEqual([
      'input -> pipeline.processors[0]',
      'pipeline.processors[0] -> pipeline.processors[0].branches[0]',
      'pipeline.processors[0].branches[0] -> pipeline.processors[0].branches[0].output',
      'pipeline.processors[0] -> output',
    ]);
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
