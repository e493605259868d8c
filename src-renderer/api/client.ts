import { routeNames, type StudioApi, type StudioClient } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import { createHttpClient } from '../../src-shared/api/http-client';
import type { FustgoBridge } from '../../src-shared/api/bridge';

/** The preload's bridge, with its errors turned back into ApiErrors (the bridge carries only messages). */
function fromBridge(bridge: FustgoBridge): StudioClient {
  const api = Object.fromEntries(
    routeNames.map((name) => [
      name,
      (input: unknown) =>
        (bridge.api[name] as (input: unknown) => Promise<unknown>)(input).catch((error: unknown) => {
          throw error instanceof ApiError
            ? error
            : ApiError.fromMessage(error instanceof Error ? error.message : String(error));
        }),
    ]),
  ) as unknown as StudioApi;
  return { api, onEvent: (listener) => bridge.onEvent(listener) };
}

/**
 * The studio's one connection to its host: the Electron preload's bridge when the
 * page runs in the desktop app, else HTTP + WebSocket to the server that served it.
 */
export const studio: StudioClient = window.fustgo
  ? fromBridge(window.fustgo)
  : createHttpClient(location.origin);

/** Shorthand for the API methods. */
export const api = studio.api;
