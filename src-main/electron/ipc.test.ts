import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannel, type RouteName, type StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';

/*
 * Electron cannot start here, so `ipcMain` is the one stand-in: a map of the handlers the
 * transport registers, called the way Electron calls them. Everything behind it is real:
 * input validation, the sender check, and the error bodies the preload passes on.
 */
type Handler = (event: { senderFrame?: { url: string } }, input: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));
const { registerIpcHandlers } = await import('./ipc');

const trusted = { senderFrame: { url: 'file:///app/index.html' } };
const api = {
  getJob: async ({ id }: { id: string }) => {
    if (id === 'boom') throw new Error('disk on fire');
    throw new ApiError('not_found', `job "${id}" not found`);
  },
  listJobs: async () => [],
} as unknown as StudioApi;

/** Calls a route's handler as Electron would for `ipcRenderer.invoke`. */
async function call(name: RouteName, input: unknown, event = trusted): Promise<unknown> {
  const handler = handlers.get(ipcChannel(name));
  if (!handler) throw new Error(`no handler for ${name}`);
  return handler(event, input);
}

describe('Electron IPC transport', () => {
  const logged: unknown[] = [];
  let unregister: () => void;
  beforeEach(() => {
    logged.length = 0;
    unregister?.();
    unregister = registerIpcHandlers(api, (url) => url === 'file:///app/index.html', {
      error: (msg, data) => logged.push({ msg, data }),
    });
  });

  it('answers calls from the app page', async () => {
    await expect(call('listJobs', {})).resolves.toEqual([]);
  });

  it('refuses calls from any other page', async () => {
    const rejection = call('listJobs', {}, { senderFrame: { url: 'https://example.com/' } });
    await expect(rejection).rejects.toThrow('"code":"bad_request"');
  });

  it('sends ApiErrors as their body, which ApiError.fromMessage restores', async () => {
    const error = await call('getJob', { id: 'j1' }).catch((e: Error) => e);
    const restored = ApiError.fromMessage(`Error invoking remote method: ${(error as Error).message}`);
    expect([restored.code, restored.message]).toEqual(['not_found', 'job "j1" not found']);
  });

  it('validates input like HTTP does, and hides unexpected errors behind internal', async () => {
    const invalid = ApiError.fromMessage(
      ((await call('getJob', {}).catch((e: Error) => e)) as Error).message,
    );
    expect(invalid.code).toBe('bad_request');
    expect(invalid.message).toContain('invalid input for getJob');
    const internal = ApiError.fromMessage(
      ((await call('getJob', { id: 'boom' }).catch((e: Error) => e)) as Error).message,
    );
    expect([internal.code, internal.message]).toEqual(['internal', 'internal error']);
    expect(logged).toEqual([
      { msg: 'IPC call failed', data: { method: 'getJob', error: 'Error: disk on fire' } },
    ]);
  });
});
