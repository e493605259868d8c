import { AsyncLocalStorage } from 'node:async_hooks';
import { userInfo } from 'node:os';

/**
 * Who is calling and from where, for the audit log. The transports set it around each API call
 * (the HTTP server: the client's address and `x-fustgo-user`; Electron IPC: `desktop` and the OS
 * user), and it follows the call through every `await` — so whatever the call does, and every
 * event it emits on the way, knows who asked. Work nobody asked for (the scheduler, a retry
 * policy) runs outside any request.
 */
export interface RequestContext {
  actor: string;
  /** `desktop`, or the HTTP client's address. */
  origin: string;
  /**
   * Set while the audit decorator records the call in progress: events the call emits (a run's
   * `job_state`) are then already accounted for and not recorded a second time.
   */
  audited?: boolean;
}

/** Header an HTTP client names its user with; without it the actor is `api`. */
export const USER_HEADER = 'x-fustgo-user';

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context` as the current request, through every `await` inside it. */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The request the current code runs for, if any. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The HTTP caller: its address, and the user its `x-fustgo-user` header names (else `api`). */
export function httpRequestContext(ip: string, userHeader: string | string[] | undefined): RequestContext {
  const named = (Array.isArray(userHeader) ? userHeader[0] : userHeader)?.trim();
  // Printable text of sensible length only: the value ends up in a table people read and export.
  const actor = named && /^[\p{L}\p{N} ._@\\/+-]{1,100}$/u.test(named) ? named : 'api';
  return { origin: ip, actor };
}

let osUser: string | undefined;

/** The desktop caller: the user logged in to this machine. */
export function desktopRequestContext(): RequestContext {
  if (osUser === undefined) {
    try {
      osUser = userInfo().username || 'desktop user';
    } catch {
      // No passwd entry for the uid (some containers).
      osUser = 'desktop user';
    }
  }
  return { origin: 'desktop', actor: osUser };
}
