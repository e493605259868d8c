import { describe, expect, it } from 'vitest';
import { createDesignerModel } from '../designer-model';
import { NODE_HEIGHT, NODE_WIDTH } from '../layout';
import {
  branchOf,
  chainLength,
  connectionEdits,
  findDropSpot,
  mainChainEnd,
  outputChain,
  pathAfterInsert,
  placementFor,
  type DropSpot,
} from './placement';

const linear = `input: { type: generate }
pipeline:
  processors:
    - { type: filter, condition: a > 1 }
    - { type: mapping, fields: { b: a } }
output: { type: file, path: out.csv }
`;

const branching = `input: { type: generate }
pipeline:
  processors:
    - { type: filter, condition: a > 1 }
    - type: conditional
      branches:
        - when: a > 5
          processors:
            - { type: mapping, fields: { b: a } }
          output: { type: file, path: big.csv }
      else:
        output: { type: file, path: rest.csv }
`;

function stateOf(text: string) {
  const { graph, positions } = createDesignerModel(text).getState();
  const at = (path: string) => positions[graph.uidByPath.get(path) as string];
  const centre = (path: string) => ({ x: at(path).x + NODE_WIDTH / 2, y: at(path).y + NODE_HEIGHT / 2 });
  return { graph, positions, at, centre };
}

describe('drop spots', () => {
  it('finds the node under the point, and which half of it', () => {
    const { graph, positions, at } = stateOf(linear);
    const box = at('pipeline.processors[0]');
    expect(findDropSpot(graph, positions, { x: box.x + 10, y: box.y + 10 }, 'processor')).toEqual({
      on: 'node',
      path: 'pipeline.processors[0]',
      before: true,
    });
    expect(
      findDropSpot(graph, positions, { x: box.x + NODE_WIDTH - 5, y: box.y + NODE_HEIGHT + 20 }, 'processor'),
    ).toEqual({ on: 'node', path: 'pipeline.processors[0]', before: false });
  });

  it('finds the edge between two nodes, and empty canvas far from everything', () => {
    const { graph, positions, at } = stateOf(linear);
    const from = at('pipeline.processors[0]');
    const to = at('pipeline.processors[1]');
    const between = { x: (from.x + NODE_WIDTH + to.x) / 2, y: from.y + NODE_HEIGHT / 2 + 4 };
    expect(findDropSpot(graph, positions, between, 'processor')).toEqual({
      on: 'edge',
      source: 'pipeline.processors[0]',
      target: 'pipeline.processors[1]',
    });
    expect(findDropSpot(graph, positions, { x: from.x, y: from.y + 900 }, 'processor')).toEqual({
      on: 'pane',
    });
  });

  it('takes any drop of an input as aimed at the input', () => {
    const { graph, positions } = stateOf(linear);
    expect(findDropSpot(graph, positions, { x: 5000, y: 5000 }, 'input')).toMatchObject({
      on: 'node',
      path: 'input',
    });
  });
});

describe('placing a dropped component', () => {
  const filter = { type: 'filter', condition: 'x > 0' };

  it('inserts a processor before an edge’s target, or beside the node it was dropped near', () => {
    const { graph, positions } = stateOf(branching);
    const insertAt = (spot: DropSpot) => {
      const placed = placementFor(graph, positions, 'processor', filter, spot, { x: 100, y: 50 });
      const [edit] = placed.edits;
      return edit.kind === 'insertProcessor' ? `${edit.chain}[${edit.index}] ${placed.path}` : edit.kind;
    };
    expect(insertAt({ on: 'edge', source: 'input', target: 'pipeline.processors[0]' })).toBe(
      'pipeline.processors[0] pipeline.processors[0]',
    );
    expect(insertAt({ on: 'node', path: 'pipeline.processors[0]', before: false })).toBe(
      'pipeline.processors[1] pipeline.processors[1]',
    );
    // Nothing may follow a conditional: dropped on its right, the processor still goes before it.
    expect(insertAt({ on: 'node', path: 'pipeline.processors[1]', before: false })).toBe(
      'pipeline.processors[1] pipeline.processors[1]',
    );
    expect(
      insertAt({ on: 'edge', source: 'pipeline.processors[1]', target: 'pipeline.processors[1].else' }),
    ).toBe('pipeline.processors[1].else.processors[0] pipeline.processors[1].else.processors[0]');
    expect(insertAt({ on: 'node', path: 'pipeline.processors[1].branches[0].output', before: true })).toBe(
      'pipeline.processors[1].branches[0].processors[1] pipeline.processors[1].branches[0].processors[1]',
    );
    // On empty canvas: the end of the main chain, before the closing conditional.
    expect(insertAt({ on: 'pane' })).toBe('pipeline.processors[1] pipeline.processors[1]');
  });

  it('centres the new node on the drop point and pushes the nodes after it aside', () => {
    const { graph, positions, at } = stateOf(linear);
    const output = at('output');
    // Dropped on top of the output: it moves right to make room.
    const point = { x: output.x + NODE_WIDTH / 2, y: output.y + NODE_HEIGHT / 2 + 10 };
    expect(placementFor(graph, positions, 'processor', filter, { on: 'pane' }, point).placed).toEqual({
      'pipeline.processors[2]': { x: output.x, y: output.y },
      output: { x: output.x + NODE_WIDTH + 40, y: output.y },
    });
    // Dropped between two nodes too close for it: right of the one before, the rest pushed along.
    const input = at('input');
    const between = { x: input.x + NODE_WIDTH + 5, y: input.y + NODE_HEIGHT / 2 };
    const squeezed = placementFor(
      graph,
      positions,
      'processor',
      filter,
      { on: 'node', path: 'input', before: false },
      between,
    ).placed;
    expect(squeezed['pipeline.processors[0]']).toEqual({ x: input.x + NODE_WIDTH + 40, y: input.y });
    expect(squeezed['pipeline.processors[1]'].x).toBeGreaterThanOrEqual(input.x + 2 * (NODE_WIDTH + 40));
    // From the keyboard: right of the node before it; the mapping and output after it move along.
    const first = at('pipeline.processors[0]');
    const second = at('pipeline.processors[1]');
    const placed = placementFor(
      graph,
      positions,
      'processor',
      filter,
      { on: 'node', path: 'input', before: false },
      null,
    ).placed;
    expect(placed['pipeline.processors[0]']).toEqual({
      x: at('input').x + NODE_WIDTH + 40,
      y: at('input').y,
    });
    const push = placed['pipeline.processors[1]'].x - first.x;
    expect(push).toBeGreaterThan(0);
    expect(placed['pipeline.processors[2]']).toEqual({ x: second.x + push, y: second.y });
    expect(placed.output).toEqual({ x: output.x + push, y: output.y });
  });

  it('renumbers the paths after an insert', () => {
    expect(pathAfterInsert('pipeline.processors[2].branches[0].output', 'pipeline.processors', 1)).toBe(
      'pipeline.processors[3].branches[0].output',
    );
    expect(pathAfterInsert('pipeline.processors[0]', 'pipeline.processors', 1)).toBe(
      'pipeline.processors[0]',
    );
    expect(pathAfterInsert('output', 'pipeline.processors', 0)).toBe('output');
  });

  it('sets the input, the output, or the output of the branch it was dropped in', () => {
    const { graph, positions } = stateOf(branching);
    const file = { type: 'file', path: 'x.csv' };
    expect(placementFor(graph, positions, 'input', { type: 'generate' }, { on: 'pane' }, null).edits).toEqual(
      [{ kind: 'setInput', section: { type: 'generate' } }],
    );
    expect(placementFor(graph, positions, 'output', file, { on: 'pane' }, null).edits).toEqual([
      { kind: 'setOutput', section: file },
    ]);
    const onBranch = placementFor(
      graph,
      positions,
      'output',
      file,
      { on: 'node', path: 'pipeline.processors[1].branches[0].processors[0]', before: false },
      null,
    );
    expect(onBranch.edits).toEqual([
      { kind: 'setOutput', path: 'pipeline.processors[1].branches[0].output', section: file },
    ]);
    expect(onBranch.path).toBe('pipeline.processors[1].branches[0].output');
  });
});

describe('connections drawn on the canvas', () => {
  it('moves the target processor to follow the source', () => {
    const { graph } = stateOf(linear);
    expect(connectionEdits(graph, 'input', 'pipeline.processors[1]')).toEqual({
      ok: true,
      edits: [
        { kind: 'moveProcessor', path: 'pipeline.processors[1]', chain: 'pipeline.processors', index: 0 },
      ],
      placed: {},
    });
    const { graph: tree } = stateOf(branching);
    expect(connectionEdits(tree, 'pipeline.processors[1].else', 'pipeline.processors[0]')).toEqual({
      ok: true,
      edits: [
        {
          kind: 'moveProcessor',
          path: 'pipeline.processors[0]',
          chain: 'pipeline.processors[1].else.processors',
          index: 0,
        },
      ],
      placed: {},
    });
  });

  it('keeps a reordered chain’s places on the canvas, in the new order', () => {
    const { graph, positions, at } = stateOf(linear);
    const outcome = connectionEdits(graph, 'input', 'pipeline.processors[1]', positions);
    expect(outcome.ok && outcome.placed).toEqual({
      'pipeline.processors[0]': at('pipeline.processors[0]'),
      'pipeline.processors[1]': at('pipeline.processors[1]'),
    });
    // The mapping now first takes the first place, the filter the second.
    const model = createDesignerModel(linear);
    if (!outcome.ok) throw new Error('refused');
    model.applyCanvasEdit(outcome.edits, outcome.placed);
    const after = model.getState();
    const first = after.graph.nodes.find((node) => node.id === 'pipeline.processors[0]');
    expect(first?.type).toBe('mapping');
    expect(after.positions[first?.uid ?? '']).toEqual(at('pipeline.processors[0]'));
  });

  it('makes a processor the last before an output it is connected to', () => {
    const { graph } = stateOf(branching);
    expect(connectionEdits(graph, 'pipeline.processors[0]', 'pipeline.processors[1].else.output')).toEqual({
      ok: true,
      edits: [
        {
          kind: 'moveProcessor',
          path: 'pipeline.processors[0]',
          chain: 'pipeline.processors[1].else.processors',
          index: 0,
        },
      ],
      placed: {},
    });
  });

  it('refuses what the rules or the tree do not allow, saying why', () => {
    const { graph } = stateOf(branching);
    const refusal = (source: string, target: string) => {
      const outcome = connectionEdits(graph, source, target);
      return outcome.ok ? null : outcome.refusal;
    };
    expect(refusal('pipeline.processors[0]', 'input')).toEqual({
      code: 'rule',
      message: 'nothing flows into an input',
    });
    expect(refusal('pipeline.processors[1]', 'pipeline.processors[1].else.output')).toEqual({
      code: 'rule',
      message: 'a conditional connects only to its branches',
    });
    expect(refusal('input', 'pipeline.processors[0]')).toEqual({ code: 'connected' });
    expect(refusal('pipeline.processors[1].branches[0].processors[0]', 'pipeline.processors[1]')).toEqual({
      code: 'own-branch',
    });
    expect(refusal('input', 'pipeline.processors[1].else.output')).toEqual({ code: 'between' });
  });
});

describe('chains', () => {
  it('counts a chain’s own processors and finds where outputs and branches are', () => {
    const { graph } = stateOf(branching);
    expect(chainLength(graph, 'pipeline.processors')).toBe(2);
    expect(chainLength(graph, 'pipeline.processors[1].branches[0].processors')).toBe(1);
    expect(mainChainEnd(graph)).toEqual({ chain: 'pipeline.processors', index: 1 });
    expect(outputChain('output')).toBe('pipeline.processors');
    expect(outputChain('pipeline.processors[1].else.output')).toBe('pipeline.processors[1].else.processors');
    expect(branchOf('pipeline.processors[1].branches[0].processors[0]')).toBe(
      'pipeline.processors[1].branches[0]',
    );
    expect(branchOf('pipeline.processors[1].else')).toBe('pipeline.processors[1].else');
    expect(branchOf('pipeline.processors[1]')).toBeNull();
  });
});
