import type { StudioClient } from '../../src-shared/api/contract';
import { createHttpClient } from '../../src-shared/api/http-client';
import '../../src-shared/api/bridge';

/**
 * The studio's one connection to its host: the Electron preload's bridge when the
 * page runs in the desktop app, else HTTP + WebSocket to the server that served it.
 */
export const studio: StudioClient = window.fustgo ?? createHttpClient(location.origin);

/** Shorthand for the API methods. */
export const api = studio.api;
