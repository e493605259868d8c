import { describe, expect, it } from 'vitest';
import {
  checkGraphRules,
  connectionProblem,
  createDesignerModel,
  type DesignerModel,
} from './designer-model';
import { positionsByPath } from './node-identity';
import { pipelineGraph, type PipelineNode } from './pipeline-graph';

const pipeline = `version: 1
# Orders into the warehouse.
input: { type: generate, count: 10 }
pipeline:
  processors:
    # positives only
    - type: filter
      condition: qty > 0
    - type: mapping # renames
      fields: { order_id: id, qty: qty }
    - type: transform
      set: { total: qty * 2 }
output: { type: file, path: out.csv }
`;

const conditional = `input: { type: generate }
pipeline:
  processors:
    - type: conditional
      branches:
        - when: a > 1
          output: { type: file, path: a.csv }
      else:
        output: { type: file, path: rest.csv }
`;

/** uid → position of every node, keyed by the node's current path. */
function layoutByPath(model: DesignerModel) {
  const { graph, positions } = model.getState();
  return Object.fromEntries(graph.nodes.map((node) => [node.id, { uid: node.uid, at: positions[node.uid] }]));
}

const uidAt = (model: DesignerModel, path: string) => model.getState().graph.uidByPath.get(path) as string;

describe('createDesignerModel', () => {
  it('derives the graph from the text and writes nothing back unasked', () => {
    const model = createDesignerModel(pipeline);
    const state = model.getState();
    expect(state.yamlText).toBe(pipeline);
    expect(state.error).toBeNull();
    expect(state.graph.nodes.map((node) => node.id)).toEqual([
      'input',
      'pipeline.processors[0]',
      'pipeline.processors[1]',
      'pipeline.processors[2]',
      'output',
    ]);
    expect(Object.keys(state.positions)).toHaveLength(5);
    expect(state.problems).toEqual([]);
    expect(state.canUndo).toBe(false);
  });

  it('opens with the positions of a saved diagram, laying out only the nodes it lacks', () => {
    const saved = positionsByPath(
      createDesignerModel(pipeline).getState().graph,
      createDesignerModel(pipeline).getState().positions,
    );
    saved.input = { x: -300, y: 7 };
    delete saved.output;
    const model = createDesignerModel(pipeline, { positions: saved });
    const reopened = positionsByPath(model.getState().graph, model.getState().positions);
    expect(reopened.input).toEqual({ x: -300, y: 7 });
    expect(reopened['pipeline.processors[2]']).toEqual(saved['pipeline.processors[2]']);
    expect(reopened.output.x).toBeGreaterThan(reopened['pipeline.processors[2]'].x);
  });

  it('keeps node identity and positions through insert, remove and reorder on the canvas', () => {
    const model = createDesignerModel(pipeline);
    const start = layoutByPath(model);
    const same = (path: string, was: string) => {
      const now = layoutByPath(model)[path];
      expect(now.uid, `${path} was ${was}`).toBe(start[was].uid);
      expect(now.at).toEqual(start[was].at);
    };

    const dropped = { x: 999, y: 999 };
    expect(
      model.applyCanvasEdit(
        {
          kind: 'insertProcessor',
          chain: 'pipeline.processors',
          index: 0,
          section: { type: 'filter', condition: 'id > 0' },
        },
        { 'pipeline.processors[0]': dropped },
      ),
    ).toEqual({ ok: true });
    same('pipeline.processors[1]', 'pipeline.processors[0]');
    same('pipeline.processors[3]', 'pipeline.processors[2]');
    same('output', 'output');
    expect(layoutByPath(model)['pipeline.processors[0]'].at).toEqual(dropped);

    model.applyCanvasEdit({ kind: 'removeNode', path: 'pipeline.processors[2]' });
    same('pipeline.processors[1]', 'pipeline.processors[0]');
    same('pipeline.processors[2]', 'pipeline.processors[2]');

    model.applyCanvasEdit({
      kind: 'moveProcessor',
      path: 'pipeline.processors[2]',
      chain: 'pipeline.processors',
      index: 0,
    });
    same('pipeline.processors[0]', 'pipeline.processors[2]');
    same('pipeline.processors[2]', 'pipeline.processors[0]');
    expect(model.getState().yamlText).toContain('    # positives only\n    - type: filter\n');
  });

  it('undoes and redoes edits, typing and drags: text and positions', () => {
    let clock = 0;
    const model = createDesignerModel(pipeline, { now: () => clock });
    const initial = model.getState();
    model.moveNodes({ [uidAt(model, 'output')]: { x: 500, y: 400 } });
    const moved = model.getState();
    model.applyCanvasEdit({ kind: 'setField', path: 'output', field: 'path', value: 'orders.csv' });
    const edited = model.getState();
    // Three keystrokes within a second are one step.
    for (const text of ['x', 'xy', 'xyz']) {
      clock += 100;
      model.applyYamlText(edited.yamlText.replace('count: 10', `count: 10, seed: ${text.length}`));
    }
    const typed = model.getState();
    expect(typed.yamlText).toContain('seed: 3');

    expect(model.undo()).toBe(true);
    expect(model.getState().yamlText).toBe(edited.yamlText);
    expect(model.undo()).toBe(true);
    expect(model.getState().yamlText).toBe(pipeline);
    expect(model.getState().positions).toEqual(moved.positions);
    expect(model.undo()).toBe(true);
    expect(model.getState().positions).toEqual(initial.positions);
    expect(model.undo()).toBe(false);

    expect(model.redo()).toBe(true);
    expect(model.redo()).toBe(true);
    expect(model.redo()).toBe(true);
    expect(model.getState().yamlText).toBe(typed.yamlText);
    expect(model.getState().positions).toEqual(typed.positions);
    expect(model.getState().graph.nodes.map((node) => node.uid)).toEqual(
      typed.graph.nodes.map((node) => node.uid),
    );
    expect(model.redo()).toBe(false);
  });

  it('keeps the last valid graph while the YAML does not parse, and says where', () => {
    const model = createDesignerModel(pipeline);
    const valid = model.getState();
    const broken = pipeline.replace('    - type: transform\n', '    - type: transform\n   bad: [\n');
    model.applyYamlText(broken);
    const state = model.getState();
    expect(state.yamlText).toBe(broken);
    expect(state.graph).toBe(valid.graph);
    expect(state.positions).toBe(valid.positions);
    expect(state.error?.line).toBe(12);
    expect(state.error?.col).toBeGreaterThan(0);

    const refused = model.applyCanvasEdit({ kind: 'removeNode', path: 'output' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/^fix the YAML first: 12:\d+ /);
    expect(model.getState().yamlText).toBe(broken);

    model.applyYamlText(pipeline.replace('qty > 0', 'qty > 5'));
    expect(model.getState().error).toBeNull();
    expect(model.getState().graph.nodes.map((node) => node.uid)).toEqual(
      valid.graph.nodes.map((node) => node.uid),
    );
  });

  it('starts from a text that does not parse with an empty graph and the error', () => {
    const model = createDesignerModel('input: [');
    expect(model.getState().graph.nodes).toEqual([]);
    expect(model.getState().error?.line).toBe(1);
  });

  it('refuses an edit at a missing path and stays usable', () => {
    const model = createDesignerModel(pipeline);
    expect(model.applyCanvasEdit({ kind: 'removeNode', path: 'pipeline.processors[9]' })).toEqual({
      ok: false,
      message: 'pipeline.processors[9]: no such node',
    });
    expect(model.getState().canUndo).toBe(false);
    expect(model.applyCanvasEdit({ kind: 'removeNode', path: 'pipeline.processors[0]' })).toEqual({
      ok: true,
    });
  });

  it('copies selected processors and pastes them after the selection', () => {
    const model = createDesignerModel(pipeline);
    model.select([uidAt(model, 'pipeline.processors[0]'), uidAt(model, 'pipeline.processors[1]')]);
    const copied = model.copySelection();
    expect(copied).toBe(
      '- type: filter\n  condition: qty > 0\n- type: mapping\n  fields:\n    order_id: id\n    qty: qty\n',
    );
    model.select([uidAt(model, 'pipeline.processors[2]')]);
    expect(model.paste(copied as string)).toEqual({ ok: true });
    const { graph, selection } = model.getState();
    expect(graph.nodes.map((node) => `${node.id}:${node.type}`)).toEqual([
      'input:generate',
      'pipeline.processors[0]:filter',
      'pipeline.processors[1]:mapping',
      'pipeline.processors[2]:transform',
      'pipeline.processors[3]:filter',
      'pipeline.processors[4]:mapping',
      'output:file',
    ]);
    expect(selection).toEqual([
      uidAt(model, 'pipeline.processors[3]'),
      uidAt(model, 'pipeline.processors[4]'),
    ]);
  });

  it('pastes a section onto a selected output, and before a closing conditional when nothing is selected', () => {
    const model = createDesignerModel(pipeline);
    model.select([uidAt(model, 'output')]);
    expect(model.paste('type: sqlite\npath: out.db\n')).toEqual({ ok: true });
    expect(model.getState().yamlText).toContain('output: { type: sqlite, path: out.db }\n');

    const branching = createDesignerModel(conditional);
    expect(branching.paste('type: filter\ncondition: a > 0\n')).toEqual({ ok: true });
    expect(branching.getState().graph.nodes[1]).toMatchObject({
      id: 'pipeline.processors[0]',
      type: 'filter',
    });
    expect(branching.paste('input: [')).toMatchObject({ ok: false });
  });

  it('deletes the selection in one step, a node inside a selected one with it', () => {
    const model = createDesignerModel(
      conditional.replace('  processors:\n', '  processors:\n    - type: filter\n'),
    );
    model.select([
      uidAt(model, 'pipeline.processors[0]'),
      uidAt(model, 'pipeline.processors[1]'),
      uidAt(model, 'pipeline.processors[1].else'),
    ]);
    expect(model.deleteSelection()).toEqual({ ok: true });
    expect(model.getState().yamlText).toBe('input: { type: generate }\npipeline:\n  processors: []\n');
    expect(model.getState().selection).toEqual([]);
    model.undo();
    expect(model.getState().graph.nodes).toHaveLength(7);
  });

  it('notifies subscribers until they unsubscribe', () => {
    const model = createDesignerModel(pipeline);
    let calls = 0;
    const stop = model.subscribe(() => calls++);
    model.select([uidAt(model, 'input')]);
    stop();
    model.select([]);
    expect(calls).toBe(1);
  });
});

describe('graph rules', () => {
  const rules = (config: unknown) =>
    checkGraphRules(pipelineGraph(config)).map((problem) => `${problem.nodeId} ${problem.rule}`);

  it('passes a complete pipeline and a conditional whose branches all end in outputs', () => {
    expect(rules({ input: { type: 'generate' }, output: { type: 'file' } })).toEqual([]);
    expect(
      rules({
        input: { type: 'generate' },
        pipeline: {
          processors: [{ type: 'conditional', branches: [{ when: 'a', output: { type: 'file' } }] }],
        },
      }),
    ).toEqual([]);
  });

  it('flags a missing input and a missing output type', () => {
    expect(rules({ pipeline: { processors: [{ type: 'filter' }] } })).toEqual([
      'input type-missing',
      'output type-missing',
    ]);
  });

  it('flags a conditional without branches, a branch without output and a conditional that is not last', () => {
    expect(
      rules({
        input: { type: 'generate' },
        pipeline: {
          processors: [
            {
              type: 'conditional',
              branches: [{ when: 'a', processors: [{ type: 'filter' }] }],
              else: { output: { type: 'file' } },
            },
            { type: 'mapping' },
          ],
        },
        output: { type: 'file' },
      }),
    ).toEqual([
      'pipeline.processors[1] conditional-ends-chain',
      'pipeline.processors[0].branches[0] branch-no-output',
    ]);
    expect(
      rules({ input: { type: 'generate' }, pipeline: { processors: [{ type: 'conditional' }] } }),
    ).toEqual([
      'pipeline.processors[0] conditional-no-branch',
      'input dead-end',
      'pipeline.processors[0] dead-end',
    ]);
  });

  it('flags orphans and extra inputs in a graph drawn on the canvas', () => {
    const node = (id: string, kind: PipelineNode['kind'], type: string): PipelineNode => ({
      id,
      kind,
      type,
      detail: '',
    });
    const problems = checkGraphRules({
      nodes: [
        node('a', 'input', 'file'),
        node('b', 'input', 'file'),
        node('c', 'output', 'file'),
        node('d', 'processor', 'filter'),
      ],
      edges: [{ id: 'a->c', source: 'a', target: 'c' }],
    });
    expect(problems.map((p) => `${p.nodeId} ${p.rule}`)).toEqual([
      'b input-extra',
      'b dead-end',
      'd orphan',
      'd dead-end',
    ]);
  });

  it('says which connections the canvas may draw', () => {
    const node = (kind: PipelineNode['kind'], type = 'x'): PipelineNode => ({
      id: kind,
      kind,
      type,
      detail: '',
    });
    expect(connectionProblem(node('input'), node('processor'))).toBeNull();
    expect(connectionProblem(node('input'), node('output'))).toBeNull();
    expect(connectionProblem(node('input'), node('branch'))).toBe(
      'an input connects only to a processor or an output',
    );
    expect(connectionProblem(node('processor'), node('input'))).toBe('nothing flows into an input');
    expect(connectionProblem(node('processor', 'conditional'), node('branch'))).toBeNull();
    expect(connectionProblem(node('processor', 'conditional'), node('output'))).toBe(
      'a conditional connects only to its branches',
    );
    expect(connectionProblem(node('processor'), node('branch'))).toBe('a branch starts at a conditional');
    expect(connectionProblem(node('output'), node('processor'))).toBe('an output ends the flow');
  });
});
