import { describe, expect, it } from 'vitest';
import { nodeIssues, ownerOf, statusOf } from './node-issues';

const nodes = [
  { id: 'input' },
  { id: 'pipeline.processors[0]' },
  { id: 'pipeline.processors[0].branches[0]' },
  { id: 'pipeline.processors[0].branches[0].output' },
  { id: 'pipeline.processors[1]' },
  { id: 'pipeline.processors[10]' },
];

const problem = (path: string, message = 'bad') => ({ file: 'x.yaml', line: 1, col: 1, path, message });

describe('node issues', () => {
  it('gives a validation problem to the deepest node that contains its path', () => {
    expect(ownerOf(nodes, 'pipeline.processors[0].branches[0].output.path')).toBe(
      'pipeline.processors[0].branches[0].output',
    );
    expect(ownerOf(nodes, 'pipeline.processors[0].branches[0].when')).toBe(
      'pipeline.processors[0].branches[0]',
    );
    expect(ownerOf(nodes, 'pipeline.processors[1].condition')).toBe('pipeline.processors[1]');
    expect(ownerOf(nodes, 'pipeline.processors[10]')).toBe('pipeline.processors[10]');
    expect(ownerOf(nodes, 'input.columns[0].name')).toBe('input');
    expect(ownerOf(nodes, 'job.schedule')).toBeNull();
  });

  it('collects problems, graph rules and rejected rows per node, and colours by the worst', () => {
    const issues = nodeIssues(
      nodes,
      [problem('pipeline.processors[1].condition', 'unknown column "x"'), problem('', 'top level')],
      [
        { nodeId: 'pipeline.processors[10]', rule: 'dead-end', message: 'leads to no output' },
        { nodeId: 'input', rule: 'type-missing', message: 'this input has no type' },
      ],
      { 'pipeline.processors[10]': { in: 5, out: 3, failed: 2 }, gone: { out: 1, failed: 1 } },
    );
    expect(issues.get('pipeline.processors[1]')).toEqual([
      {
        source: 'validation',
        severity: 'error',
        message: 'unknown column "x"',
        path: 'pipeline.processors[1].condition',
      },
    ]);
    expect(statusOf(issues.get('pipeline.processors[1]'))).toBe('error');
    expect(statusOf(issues.get('pipeline.processors[10]'))).toBe('warning');
    expect(issues.get('pipeline.processors[10]')).toHaveLength(2);
    expect(statusOf(issues.get('input'))).toBe('error');
    expect(statusOf(issues.get('output'))).toBe('normal');
    expect(issues.has('gone')).toBe(false);
  });
});
