import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';

describe('ApiError over IPC', () => {
  it('survives Electron prefixing the message it carries', () => {
    const sent = new ApiError('not_found', 'job 7 not found', { id: 7 });
    const received = `Error invoking remote method 'studio:getJob': Error: ${JSON.stringify(sent.toBody())}`;
    const error = ApiError.fromMessage(received);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('not_found');
    expect(error.status).toBe(404);
    expect(error.message).toBe('job 7 not found');
    expect(error.details).toEqual({ id: 7 });
  });

  it('keeps a message that is not an ApiError body as an internal error', () => {
    const error = ApiError.fromMessage('socket hang up {not json');
    expect(error.code).toBe('internal');
    expect(error.message).toBe('socket hang up {not json');
  });
});
