/**
 * The studio's Content-Security-Policy, one definition for the web server and the
 * Electron window. Monaco and xyflow set inline styles, Monaco starts its workers from
 * blob: URLs; nothing else is loosened.
 */
export interface CspOptions {
  /** Extra `connect-src` sources, e.g. `ws://127.0.0.1:8080` for the event socket. */
  connect?: string[];
  /** Extra `script-src` sources (only the Electron dev server needs one). */
  scripts?: string[];
  /** For a <meta> tag, which must leave out the header-only `frame-ancestors`. */
  meta?: boolean;
}

/** Builds the header value. */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...(options.scripts ?? [])]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['worker-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", ...(options.connect ?? [])]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'", 'data:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
    ...(options.meta ? [] : ([['frame-ancestors', ["'none'"]]] as [string, string[]][])),
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** `connect-src` entries for the WebSocket of the host a page was served from (`Host` header). */
export function sameHostSockets(host: string | undefined): string[] {
  // Only a plain host[:port] may enter the header; anything else could inject directives.
  if (!host || !/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return [];
  return [`ws://${host}`, `wss://${host}`];
}
