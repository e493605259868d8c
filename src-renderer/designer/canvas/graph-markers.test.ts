import { describe, expect, it } from 'vitest';
import { graphProblemMarkers } from './graph-markers';

const text = `input: { type: generate }
pipeline:
  processors:
    - type: conditional
      branches:
        - when: a > 1
          processors:
            - type: filter
`;

describe('graph problem markers', () => {
  it('places each at its node’s section, or the nearest one above that is there', () => {
    const markers = graphProblemMarkers(
      text,
      'job.yaml',
      [
        { nodeId: 'pipeline.processors[0].branches[0]', rule: 'branch-no-output', message: 'each branch…' },
        { nodeId: 'output', rule: 'type-missing', message: 'no type' },
      ],
      [],
      (problem) => `[${problem.rule}]`,
    );
    expect(markers).toEqual([
      {
        file: 'job.yaml',
        line: 6,
        col: 11,
        path: 'pipeline.processors[0].branches[0]',
        message: '[branch-no-output]',
      },
      { file: 'job.yaml', line: 1, col: 1, path: 'output', message: '[type-missing]' },
    ]);
  });

  it('adds nothing where validation already reports a problem, or while the text does not parse', () => {
    const problems = [{ nodeId: 'input', rule: 'dead-end', message: 'x' } as const];
    expect(graphProblemMarkers(text, 'j', problems, [{ path: 'input.count' }], () => '')).toEqual([]);
    expect(graphProblemMarkers('a: [', 'j', problems, [], () => '')).toEqual([]);
  });
});
