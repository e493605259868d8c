import { describe, expect, it } from 'vitest';
import type { StepPreviewResult, StepResult } from '../../src-shared/api/step-preview-model';
import { stepViewOf } from './step-view';

const columns = (...names: string[]) => names.map((name) => ({ name, type: 'int' as const }));

function step(path: string, over: Partial<StepResult> = {}): StepResult {
  return {
    path,
    type: 'filter',
    on_error: 'dead_letter',
    columns: columns('a'),
    rows: [[1]],
    rows_in: 2,
    rows_out: 1,
    dropped: 1,
    rejected: [],
    duration_ms: 0.5,
    ...over,
  };
}

const result = (steps: StepResult[]): StepPreviewResult => ({
  input: {
    type: 'generate',
    columns: columns('a', 'b'),
    rows: [
      [1, 2],
      [0, 3],
    ],
    has_more: true,
    duration_ms: 2,
    notes: [],
  },
  steps,
  limit: 100,
});

describe('stepViewOf', () => {
  it('shows the input, each step with the columns its rejected rows came in, and the output after the last step', () => {
    const rejected = [{ row: [9], error: 'bad' }];
    const preview = result([
      step('pipeline.processors[0]'),
      step('pipeline.processors[1]', { type: 'mapping', columns: columns('x'), rows: [[7]], rejected }),
    ]);
    expect(stepViewOf(preview, 'input')).toMatchObject({ kind: 'input', rowsOut: 2, type: 'generate' });
    expect(stepViewOf(preview, 'pipeline.processors[0]')).toMatchObject({
      rowsIn: 2,
      rowsOut: 1,
      dropped: 1,
      rejectedColumns: columns('a', 'b'),
    });
    expect(stepViewOf(preview, 'pipeline.processors[1]')).toMatchObject({
      rejected,
      rejectedColumns: columns('a'),
    });
    expect(stepViewOf(preview, 'output')).toMatchObject({
      kind: 'output',
      columns: columns('x'),
      rows: [[7]],
      skipped: false,
    });
    expect(stepViewOf(preview, 'pipeline.processors[1].branches[0]')).toBeNull();
  });

  it('says which step kept the rows from the output', () => {
    const preview = result([
      step('pipeline.processors[0]', { error: 'pipeline.processors[0].condition: unknown column "q"' }),
      step('pipeline.processors[1]', { skipped: true }),
    ]);
    expect(stepViewOf(preview, 'pipeline.processors[1]')).toMatchObject({ skipped: true });
    expect(stepViewOf(preview, 'output')).toMatchObject({
      skipped: true,
      blockedBy: 'pipeline.processors[0]',
      rows: [],
    });
  });

  it('hands a branch’s output the rows of its last processor, or of the branch itself', () => {
    const c = 'pipeline.processors[1]';
    const preview = result([
      step('pipeline.processors[0]'),
      step(c, { type: 'conditional' }),
      step(`${c}.branches[0]`, { type: 'branch', rows: [[5]] }),
      step(`${c}.branches[0].processors[0]`, { type: 'mapping', columns: columns('y'), rows: [[6]] }),
      step(`${c}.else`, { type: 'branch', rows: [[8]], rows_out: 1 }),
    ]);
    expect(stepViewOf(preview, `${c}.branches[0].output`)).toMatchObject({
      columns: columns('y'),
      rows: [[6]],
    });
    expect(stepViewOf(preview, `${c}.else.output`)).toMatchObject({ rows: [[8]], skipped: false });
    expect(stepViewOf(preview, `${c}.branches[0]`)).toMatchObject({ kind: 'processor', rows: [[5]] });
  });

  it('hands the output the input’s rows when there are no processors', () => {
    expect(stepViewOf(result([]), 'output')).toMatchObject({
      rowsIn: 2,
      rows: [
        [1, 2],
        [0, 3],
      ],
      skipped: false,
    });
  });
});
