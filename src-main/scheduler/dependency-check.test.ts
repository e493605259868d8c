import { describe, expect, it } from 'vitest';
import { jobDependencyProblems, renamedInAfter } from './dependency-check';
import { jobYaml } from './test-support';

const saved = [
  { id: '1', name: 'load', config_yaml: jobYaml('load') },
  { id: '2', name: 'report', config_yaml: jobYaml('report', 'after: [load]') },
];

describe('jobDependencyProblems', () => {
  it('accepts a valid graph and refuses a cycle at job.after, located', () => {
    expect(
      jobDependencyProblems(saved, {
        id: '3',
        name: 'archive',
        config_yaml: jobYaml('archive', 'after: [report]'),
      }),
    ).toEqual([]);
    expect(
      jobDependencyProblems(saved, {
        id: '1',
        name: 'load',
        config_yaml: jobYaml('load', 'after: [report]'),
      }),
    ).toEqual([
      { file: 'load.yaml', line: 4, col: 3, path: 'job.after', message: 'cycle: load → report → load' },
    ]);
  });

  it('names an unknown job, and judges a renamed job by its new name only', () => {
    expect(
      jobDependencyProblems(saved, {
        id: '3',
        name: 'archive',
        config_yaml: jobYaml('archive', 'after:', '  - reprot'),
      }),
    ).toMatchObject([
      { path: 'job.after', message: 'unknown job "reprot" in job.after (did you mean "report"?)' },
    ]);
    // `report` renamed to `daily-report`: its old node does not linger in the graph.
    expect(
      jobDependencyProblems(saved, {
        id: '2',
        name: 'daily-report',
        config_yaml: jobYaml('daily-report', 'after: [load]'),
      }),
    ).toEqual([]);
  });
});

describe('renamedInAfter', () => {
  it('carries a new name into job.after, keeping comments', () => {
    const yaml = jobYaml('archive', 'after: [report, load] # nightly chain');
    expect(renamedInAfter(yaml, 'report', 'daily-report')).toBe(
      jobYaml('archive', 'after: [daily-report, load] # nightly chain'),
    );
    expect(renamedInAfter(jobYaml('a', 'after:', '  - report', '  - "load"'), 'load', 'load: all')).toBe(
      jobYaml('a', 'after:', '  - report', '  - "load: all"'),
    );
    expect(renamedInAfter(yaml, 'other', 'x')).toBe(undefined);
    expect(renamedInAfter('job: [', 'report', 'x')).toBe(undefined);
  });
});
