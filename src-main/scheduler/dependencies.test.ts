import { describe, expect, it } from 'vitest';
import { dependenciesMet, dependencyProblems, downstreamMap } from './dependencies';

const jobs = [
  { name: 'load-customers', after: [] },
  { name: 'load-orders', after: ['load-customers'] },
  { name: 'report', after: ['load-orders'] },
];

describe('dependencyProblems', () => {
  it('accepts a graph without cycles, a new job and a job with no dependencies', () => {
    expect(dependencyProblems(jobs, { name: 'report', after: ['load-orders', 'load-customers'] })).toBe(
      undefined,
    );
    expect(dependencyProblems(jobs, { name: 'archive', after: ['report'] })).toBe(undefined);
    expect(dependencyProblems([], { name: 'alone', after: [] })).toBe(undefined);
  });

  it('names a cycle in run order, starting from the changed job', () => {
    expect(dependencyProblems(jobs, { name: 'load-customers', after: ['report'] })).toBe(
      'cycle: load-customers → load-orders → report → load-customers',
    );
    expect(
      dependencyProblems(
        [
          { name: 'a', after: ['c'] },
          { name: 'b', after: ['a'] },
          { name: 'c', after: [] },
        ],
        { name: 'c', after: ['b'] },
      ),
    ).toBe('cycle: c → a → b → c');
  });

  it('refuses a job that runs after itself', () => {
    expect(dependencyProblems(jobs, { name: 'report', after: ['report'] })).toBe('cycle: report → report');
  });

  it('names unknown jobs, with the nearest name when one is close', () => {
    expect(dependencyProblems(jobs, { name: 'report', after: ['load-ordres'] })).toBe(
      'unknown job "load-ordres" in job.after (did you mean "load-orders"?)',
    );
    expect(dependencyProblems(jobs, { name: 'report', after: ['nightly'] })).toBe(
      'unknown job "nightly" in job.after',
    );
    expect(dependencyProblems(jobs, { name: 'report', after: ['x', 'y', 'x'] })).toBe(
      'unknown jobs "x", "y" in job.after',
    );
  });

  it('is not trapped by a cycle elsewhere in the saved graph', () => {
    const cyclic = [
      { name: 'p', after: ['q'] },
      { name: 'q', after: ['p'] },
    ];
    expect(dependencyProblems(cyclic, { name: 'r', after: ['p'] })).toBe(undefined);
  });
});

describe('downstreamMap', () => {
  it('turns the after lists around, names sorted', () => {
    const graph = new Map([
      ['b', ['a']],
      ['c', ['a', 'b']],
      ['a', []],
    ]);
    expect(Object.fromEntries(downstreamMap(graph))).toEqual({ a: ['b', 'c'], b: ['c'] });
  });
});

describe('dependenciesMet', () => {
  const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

  it('needs every upstream completed since the last run began', () => {
    const completed = new Map([
      ['a', at(10)],
      ['b', at(20)],
    ]);
    expect(dependenciesMet(['a', 'b'], completed, at(5))).toBe(true);
    // b completed after the last run, a before it: wait for a's next run.
    expect(dependenciesMet(['a', 'b'], completed, at(15))).toBe(false);
    expect(dependenciesMet(['a', 'b'], completed, at(20))).toBe(false);
  });

  it('without an earlier run, needs one completed run of each upstream', () => {
    expect(dependenciesMet(['a', 'b'], new Map([['a', at(1)]]), null)).toBe(false);
    expect(
      dependenciesMet(
        ['a', 'b'],
        new Map([
          ['a', at(1)],
          ['b', null],
        ]),
        null,
      ),
    ).toBe(false);
    expect(
      dependenciesMet(
        ['a', 'b'],
        new Map([
          ['a', at(1)],
          ['b', at(2)],
        ]),
        null,
      ),
    ).toBe(true);
  });
});
