import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, ipcChannel, routeNames, type StudioApi } from '../src-shared/api/contract';
import { ApiError } from '../src-shared/api/errors';
import type { StudioEvent } from '../src-shared/api/model';
import type { FustgoBridge } from '../src-shared/api/bridge';

/*
 * The narrow bridge: one function per StudioApi method and the event stream, nothing
 * else (no generic invoke). Runs sandboxed, so it is bundled to one CommonJS file.
 */

/** The main process throws the ApiError body as JSON; Electron prefixes it with its own text. */
function toApiError(error: unknown): ApiError {
  const message = error instanceof Error ? error.message : String(error);
  const start = message.indexOf('{');
  if (start >= 0) {
    try {
      return ApiError.fromBody(JSON.parse(message.slice(start)));
    } catch {
      // Not our JSON: fall through to a plain internal error.
    }
  }
  return new ApiError('internal', message);
}

const api = Object.fromEntries(
  routeNames.map((name) => [
    name,
    (input: unknown) =>
      ipcRenderer.invoke(ipcChannel(name), input).catch((error: unknown) => {
        throw toApiError(error);
      }),
  ]),
) as unknown as StudioApi;

const bridge: FustgoBridge = {
  api,
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, payload: StudioEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('fustgo', bridge);
