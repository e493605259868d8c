import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';
import { identifyGraph, type IdentifiedGraph } from './node-identity';
import { pipelineGraph } from './pipeline-graph';

function uidSource() {
  let n = 0;
  return () => `u${++n}`;
}

function identify(previous: IdentifiedGraph | null, yaml: string, newUid: () => string): IdentifiedGraph {
  const config: unknown = parse(yaml);
  return identifyGraph(previous, pipelineGraph(config), config, newUid);
}

/** uid → the node's path, for readable expectations. */
const pathsByUid = (result: IdentifiedGraph) =>
  new Map(result.graph.nodes.map((node) => [node.uid, node.id]));

const chain = (...conditions: string[]) =>
  `input: { type: generate }
pipeline:
  processors:
${conditions.map((c) => `    - { type: filter, condition: '${c}' }`).join('\n')}
output: { type: file, path: out.csv }
`;

describe('identifyGraph', () => {
  it('lays out a first graph whole and gives every node a uid', () => {
    const first = identify(null, chain('a > 1', 'b > 1'), uidSource());
    expect(first.graph.nodes.map((node) => node.uid)).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(first.added).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(Object.keys(first.positions)).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(first.graph.uidByPath.get('pipeline.processors[1]')).toBe('u3');
  });

  it('keeps identities and positions when a processor of the same type is inserted before them', () => {
    const newUid = uidSource();
    const first = identify(null, chain('a > 1', 'b > 1', 'c > 1'), newUid);
    const second = identify(first, chain('new > 1', 'a > 1', 'b > 1', 'c > 1'), newUid);
    const before = pathsByUid(first);
    const after = pathsByUid(second);
    expect(second.added).toEqual(['u6']);
    expect(after.get('u6')).toBe('pipeline.processors[0]');
    // Every old node is the same node, one place further down the chain.
    expect([...before.keys()].map((uid) => after.get(uid))).toEqual([
      'input',
      'pipeline.processors[1]',
      'pipeline.processors[2]',
      'pipeline.processors[3]',
      'output',
    ]);
    for (const uid of before.keys()) expect(second.positions[uid]).toEqual(first.positions[uid]);
  });

  it('keeps the others when a processor is removed, and a moved one keeps its uid', () => {
    const newUid = uidSource();
    const first = identify(null, chain('a > 1', 'b > 1', 'c > 1'), newUid);
    const uidOf = (path: string) => first.graph.uidByPath.get(path);
    const removed = identify(first, chain('a > 1', 'c > 1'), newUid);
    expect(removed.added).toEqual([]);
    expect(removed.graph.uidByPath.get('pipeline.processors[1]')).toBe(uidOf('pipeline.processors[2]'));
    expect(removed.positions[uidOf('pipeline.processors[1]') as string]).toBeUndefined();

    const reordered = identify(first, chain('c > 1', 'a > 1', 'b > 1'), newUid);
    expect(reordered.added).toEqual([]);
    expect(reordered.graph.uidByPath.get('pipeline.processors[0]')).toBe(uidOf('pipeline.processors[2]'));
    expect(reordered.graph.uidByPath.get('pipeline.processors[1]')).toBe(uidOf('pipeline.processors[0]'));
  });

  it('keeps a node whose settings were edited in place (typing in YAML)', () => {
    const newUid = uidSource();
    const first = identify(null, chain('a > 1', 'b > 1'), newUid);
    const typed = identify(first, chain('a > 10', 'b > 1'), newUid);
    expect(typed.added).toEqual([]);
    expect(typed.graph.nodes.map((node) => node.uid)).toEqual(first.graph.nodes.map((node) => node.uid));
  });

  it('keeps a node whose type is being typed', () => {
    const newUid = uidSource();
    const yaml = (type: string) =>
      `input: { type: generate }\npipeline:\n  processors:\n    - type: ${type}\n`;
    let previous = identify(null, yaml(''), newUid);
    const uid = previous.graph.uidByPath.get('pipeline.processors[0]');
    for (const type of ['f', 'fi', 'filter']) {
      previous = identify(previous, yaml(type), newUid);
      expect(previous.graph.uidByPath.get('pipeline.processors[0]')).toBe(uid);
      expect(previous.added).toEqual([]);
    }
  });

  it('matches identical processors in document order', () => {
    const newUid = uidSource();
    const first = identify(null, chain('x', 'x', 'x'), newUid);
    const uids = first.graph.nodes.map((node) => node.uid);
    // Identical nodes cannot be told apart: the first ones keep their uids.
    const second = identify(first, chain('x', 'x'), newUid);
    expect(second.graph.nodes.map((node) => node.uid)).toEqual([uids[0], uids[1], uids[2], uids[4]]);
  });

  it('a conditional keeps its identity when its branches change, and branches are matched too', () => {
    const yaml = (branches: string) => `input: { type: generate }
pipeline:
  processors:
    - type: conditional
      branches:
${branches}
`;
    const eu = `        - { when: "r = 'EU'", output: { type: file, path: eu.csv } }`;
    const us = `        - { when: "r = 'US'", output: { type: file, path: us.csv } }`;
    const newUid = uidSource();
    const first = identify(null, yaml(eu), newUid);
    const second = identify(first, yaml(`${us}\n${eu}`), newUid);
    const cond = 'pipeline.processors[0]';
    expect(second.graph.uidByPath.get(cond)).toBe(first.graph.uidByPath.get(cond));
    expect(second.graph.uidByPath.get(`${cond}.branches[1]`)).toBe(
      first.graph.uidByPath.get(`${cond}.branches[0]`),
    );
    expect(second.graph.uidByPath.get(`${cond}.branches[1].output`)).toBe(
      first.graph.uidByPath.get(`${cond}.branches[0].output`),
    );
    expect(second.added.map((uid) => pathsByUid(second).get(uid))).toEqual([
      `${cond}.branches[0]`,
      `${cond}.branches[0].output`,
    ]);
  });

  it('places a new node next to its neighbours without covering an existing node', () => {
    const newUid = uidSource();
    const first = identify(null, chain('a', 'b', 'c', 'd'), newUid);
    // The user had spread the nodes out on the canvas.
    const spread = {
      ...first,
      positions: Object.fromEntries(
        Object.entries(first.positions).map(([uid], i) => [uid, { x: i * 300, y: 50 }]),
      ),
    };
    const second = identify(spread, chain('a', 'b', 'new', 'c', 'd'), newUid);
    const [added] = second.added;
    const placed = second.positions[added];
    const after = spread.positions[second.graph.uidByPath.get('pipeline.processors[1]') as string];
    const before = spread.positions[second.graph.uidByPath.get('pipeline.processors[3]') as string];
    // To the right of the processor it follows, within the span up to the next one.
    expect(placed.x).toBeGreaterThan(after.x);
    expect(placed.x).toBeLessThan(before.x + NODE_WIDTH);
    for (const [uid, position] of Object.entries(second.positions)) {
      if (uid === added) continue;
      const apart =
        Math.abs(position.x - placed.x) >= NODE_WIDTH || Math.abs(position.y - placed.y) >= NODE_HEIGHT;
      expect(apart, `${uid} overlaps the new node`).toBe(true);
    }
    // Nobody else moved.
    for (const uid of Object.keys(spread.positions))
      expect(second.positions[uid]).toEqual(spread.positions[uid]);
  });

  it('places a group of new nodes (a pasted chain) together', () => {
    const newUid = uidSource();
    const first = identify(null, chain('a'), newUid);
    const second = identify(first, chain('a', 'p', 'q', 'r'), newUid);
    expect(second.added).toHaveLength(3);
    const [p, q, r] = second.added.map((uid) => second.positions[uid]);
    expect(p.x).toBeLessThan(q.x);
    expect(q.x).toBeLessThan(r.x);
  });
});
