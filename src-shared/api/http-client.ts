import {
  API_PREFIX,
  routeNames,
  routes,
  type EventListener,
  type StudioApi,
  type StudioClient,
} from './contract';
import { ApiError } from './errors';
import type { StudioEvent } from './model';
import { toHttpRequest } from './route-path';

/** The part of the WebSocket API the client uses (the browser's and the `ws` package's both fit). */
export interface WebSocketLike {
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface HttpClientOptions {
  /** WebSocket implementation; defaults to the global one (browsers). Node tests pass `ws`. */
  WebSocket?: WebSocketConstructor;
  /** fetch implementation; defaults to the global one. */
  fetch?: typeof fetch;
  /** First reconnect delay after the event socket drops; doubles up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

/** The HTTP client plus `close()`, which drops the event socket and stops reconnecting. */
export interface HttpStudioClient extends StudioClient {
  close(): void;
}

/**
 * A StudioClient over HTTP + WebSocket, generated from the route table: every method
 * is one fetch; a non-2xx answer is rethrown as `ApiError`. Events arrive over
 * `/api/v1/ws`, opened while someone listens and reopened when it drops.
 */
export function createHttpClient(baseUrl: string, opts: HttpClientOptions = {}): HttpStudioClient {
  const root = baseUrl.replace(/\/+$/, '') + API_PREFIX;
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));

  async function call(name: keyof typeof routes, input: unknown): Promise<unknown> {
    const request = toHttpRequest(routes[name], (input ?? {}) as Record<string, unknown>);
    const response = await doFetch(root + request.url, {
      method: request.method,
      headers: request.body ? { 'content-type': 'application/json' } : undefined,
      body: request.body ? JSON.stringify(request.body) : undefined,
    });
    const text = await response.text();
    const json: unknown = text ? parseJson(text) : undefined;
    if (!response.ok) {
      throw json === undefined
        ? new ApiError('internal', `HTTP ${response.status} ${response.statusText}`)
        : ApiError.fromBody(json);
    }
    return json;
  }

  const api = Object.fromEntries(
    routeNames.map((name) => [name, (input: unknown) => call(name, input)]),
  ) as unknown as StudioApi;

  const events = createEventSocket(root.replace(/^http/, 'ws') + '/ws', opts);
  return { api, onEvent: events.subscribe, close: events.close };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { code: 'internal', message: text };
  }
}

function createEventSocket(url: string, opts: HttpClientOptions) {
  const listeners = new Set<EventListener>();
  const firstDelay = opts.reconnectDelayMs ?? 500;
  const maxDelay = opts.maxReconnectDelayMs ?? 10_000;
  let socket: WebSocketLike | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let delay = firstDelay;
  let closed = false;

  function open(): void {
    const Impl = opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Impl || closed || socket) return;
    const current = new Impl(url);
    socket = current;
    current.addEventListener('open', () => {
      delay = firstDelay;
    });
    current.addEventListener('message', (message) => {
      if (typeof message.data !== 'string') return;
      const event = JSON.parse(message.data) as StudioEvent;
      for (const listener of [...listeners]) listener(event);
    });
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = null;
      if (closed || listeners.size === 0) return;
      retry = setTimeout(() => {
        retry = null;
        open();
      }, delay);
      delay = Math.min(delay * 2, maxDelay);
    });
    // An 'error' is always followed by 'close', which schedules the reconnect.
    current.addEventListener('error', () => undefined);
  }

  function stop(): void {
    if (retry) clearTimeout(retry);
    retry = null;
    const current = socket;
    socket = null;
    current?.close();
  }

  return {
    subscribe(listener: EventListener): () => void {
      listeners.add(listener);
      open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    close(): void {
      closed = true;
      listeners.clear();
      stop();
    },
  };
}
