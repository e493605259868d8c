import type { StudioClient } from './contract';

/**
 * What the Electron preload exposes as `window.fustgo`: the StudioApi methods and the
 * event stream, nothing else. Absent in a browser, where the studio uses the HTTP client.
 *
 * Across the contextBridge a rejected call arrives as an Error carrying only its
 * message (Electron copies nothing else of an error): the preload puts the ApiError body
 * there as JSON and the renderer's client rebuilds the ApiError with `ApiError.fromMessage`.
 */
export type FustgoBridge = StudioClient;

declare global {
  interface Window {
    fustgo?: FustgoBridge;
  }
}
