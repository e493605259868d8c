import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api/errors';
import { errorText } from './error-text';

describe('errorText', () => {
  const problem = {
    file: 'orders.yaml',
    line: 12,
    col: 7,
    path: 'pipeline.processors[1].condition',
    message: 'unknown column "qtty"',
  };

  it('lists the located problems of an invalid config', () => {
    for (const details of [[problem], { problems: [problem] }]) {
      expect(errorText(new ApiError('invalid_config', 'config is not valid', details))).toEqual({
        message: 'config is not valid',
        problems: ['orders.yaml:12:7: pipeline.processors[1].condition: unknown column "qtty"'],
      });
    }
  });

  it('shows other errors by their message alone', () => {
    expect(errorText(new ApiError('not_found', 'no job abc'))).toEqual({
      message: 'no job abc',
      problems: [],
    });
    expect(errorText(new Error('network down'))).toEqual({ message: 'network down', problems: [] });
  });
});
