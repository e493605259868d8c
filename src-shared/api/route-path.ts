import type { RouteDef } from './contract';

/**
 * The HTTP shape of a StudioApi call, derived from its route, in both directions:
 * the client turns an input object into a request, the server turns a request back
 * into the input object. `:name` path segments carry the input field of that name; the
 * other fields travel in the query string for GET/DELETE and in a JSON body otherwise.
 */

/** A request ready to send: the path (without the API prefix) with its query string, and the body, if any. */
export interface HttpRequestParts {
  method: RouteDef['method'];
  url: string;
  body?: Record<string, unknown>;
}

type Input = Record<string, unknown>;

/** Names of the `:param` segments of a route path, in order. */
export function pathParamNames(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
}

/** Whether a route's non-path fields travel in the query string (else in a JSON body). */
export function usesQuery(method: RouteDef['method']): boolean {
  return method === 'GET' || method === 'DELETE';
}

function queryValue(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

/** Builds the HTTP request for calling `route` with `input`. */
export function toHttpRequest(route: Pick<RouteDef, 'method' | 'path'>, input: Input = {}): HttpRequestParts {
  const params = new Set(pathParamNames(route.path));
  const path = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment;
      const value = input[segment.slice(1)];
      // A missing path value still yields a request; the server answers it as a bad request or not found.
      return encodeURIComponent(value === undefined || value === null ? '' : queryValue(value));
    })
    .join('/');
  const rest: Input = {};
  for (const [key, value] of Object.entries(input)) {
    if (!params.has(key) && value !== undefined) rest[key] = value;
  }
  if (!usesQuery(route.method)) return { method: route.method, url: path, body: rest };
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(rest)) query.append(key, queryValue(value));
  const search = query.toString();
  return { method: route.method, url: search ? `${path}?${search}` : path };
}

/**
 * Rebuilds the input object on the server from the decoded path params, query and body.
 * Path params win over query or body fields of the same name (the URL names the resource).
 */
export function fromHttpRequest(
  route: Pick<RouteDef, 'method'>,
  parts: { params?: unknown; query?: unknown; body?: unknown },
): Input {
  const source = usesQuery(route.method) ? parts.query : parts.body;
  const fields = isRecord(source) ? source : {};
  const params = isRecord(parts.params) ? parts.params : {};
  return { ...fields, ...params };
}

function isRecord(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
