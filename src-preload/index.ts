import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, ipcChannel, routeNames, type StudioApi } from '../src-shared/api/contract';
import { ApiError } from '../src-shared/api/errors';
import type { StudioEvent } from '../src-shared/api/model';
import type { FustgoBridge } from '../src-shared/api/bridge';

/*
 * The narrow bridge: one function per StudioApi method and the event stream, nothing
 * else (no generic invoke). Runs sandboxed, so it is bundled to one CommonJS file.
 */

const api = Object.fromEntries(
  routeNames.map((name) => [
    name,
    (input: unknown) =>
      ipcRenderer.invoke(ipcChannel(name), input).catch((error: unknown) => {
        // Only an Error's message crosses the contextBridge: send the bare ApiError body,
        // which the renderer's client turns back into an ApiError.
        const apiError = ApiError.fromMessage(error instanceof Error ? error.message : String(error));
        throw new Error(JSON.stringify(apiError.toBody()));
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
