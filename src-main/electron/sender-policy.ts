import { pathToFileURL } from 'node:url';

/**
 * Which pages may call the API over IPC and where windows may navigate: only the app's
 * own renderer, i.e. its `index.html` on disk, or the dev server in development.
 */
export interface RendererOrigin {
  /** Absolute path of the built renderer's index.html. */
  indexFile: string;
  /** The electron-vite dev server URL (`ELECTRON_RENDERER_URL`), in development only. */
  devServerUrl?: string;
}

/** Whether `url` (a sender frame's or a navigation target's) is the app's own renderer. */
export function isAppUrl(url: string | undefined, origin: RendererOrigin): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (origin.devServerUrl) return parsed.origin === new URL(origin.devServerUrl).origin;
  const own = pathToFileURL(origin.indexFile);
  // Client-side routes live in the hash, so the file itself must match exactly.
  return parsed.protocol === 'file:' && parsed.pathname === own.pathname;
}
