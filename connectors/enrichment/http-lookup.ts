import type { Logger } from '../../src-main/engine/component';
import { FieldError } from '../../src-main/engine/component';
import type { LogicalType } from '../../src-shared/types/logical';
import { logRetry, retryPolicy, withRetry, type RetryConfig, type RetryPolicy } from '../shared/sql/retry';
import { formatDuration } from '../shared/stateful/duration';
import { matchText } from '../shared/stateful/keys';
import { toJsonSafe } from '../shared/values';
import {
  convertValue,
  parseJsonPath,
  walkJson,
  type Answer,
  type LookupField,
  type LookupSource,
  type PathStep,
} from './lookup';

/** Requests in flight at once when the config does not say. */
export const DEFAULT_CONCURRENCY = 4;
/** How long one attempt may take when the config does not say. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The `lookup` of an HTTP enrichment, resolved from the config. */
export interface HttpLookupOptions {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Path to the record inside the response (`data.customer`); absent: the whole response. */
  record?: string;
  /** Statuses that mean "no such key" (default 404). */
  notFound: number[];
  concurrency: number;
  timeoutMs: number;
  retry?: RetryConfig;
}

/** A `{field}` placeholder: identifier-like, so JSON braces around it are left alone. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The row fields a template names, with the 1-based place of the first mention of each. */
export function templateFields(template: string): { name: string; at: number }[] {
  const fields = new Map<string, number>();
  for (const match of template.matchAll(PLACEHOLDER))
    if (!fields.has(match[1])) fields.set(match[1], (match.index ?? 0) + 2);
  return [...fields].map(([name, at]) => ({ name, at }));
}

function fill(template: string, values: Map<string, unknown>, encode: (value: unknown) => string): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => encode(values.get(name)));
}

/** A failed attempt; `transient` when another attempt may succeed (a timeout, a 503, a dropped connection). */
class HttpLookupError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'HttpLookupError';
  }
}

/** Statuses worth another attempt: request timeout, too many requests, and server errors but 501. */
const isTransientStatus = (status: number) =>
  status === 408 || status === 429 || (status >= 500 && status !== 501);

/** Lets at most `limit` tasks run at once, in the order they asked. */
class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * A lookup through an HTTP API, one request per distinct key: the URL (and body) templates
 * filled with the row's fields, at most `concurrency` requests in flight, each attempt cut off
 * after the timeout and retried with exponential backoff when it may pass (timeouts, 408, 429,
 * 5xx, lost connections). A `not_found` status or an empty record is no match; a request that
 * still fails is the error of the rows with that key.
 */
export class HttpLookup implements LookupSource {
  readonly description: string;
  /** The row fields the templates name, in order: the lookup key. */
  readonly keyFields: { name: string; path: string; at: number }[];
  private readonly recordPath: PathStep[];
  private readonly fieldPaths: PathStep[][];
  private readonly limiter: Limiter;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly options: HttpLookupOptions,
    private readonly fields: LookupField[],
    private readonly logger: Logger,
  ) {
    this.description = `${options.method} ${redacted(options.url)}`;
    this.keyFields = [
      ...templateFields(options.url).map((f) => ({ ...f, path: 'lookup.url' })),
      ...templateFields(options.body ?? '').map((f) => ({ ...f, path: 'lookup.body' })),
    ].filter((f, i, all) => all.findIndex((g) => g.name === f.name) === i);
    if (this.keyFields.length === 0)
      throw new FieldError(
        'lookup.url',
        'name the row fields the request is made of, e.g. https://api.example.com/customers/{customer_id}',
      );
    this.recordPath = this.parsePath(options.record ?? '', 'lookup.record');
    this.fieldPaths = fields.map((field) => this.parsePath(field.from, field.path));
    this.limiter = new Limiter(options.concurrency);
    this.policy = retryPolicy(options.retry);
  }

  types(): LogicalType[] {
    return this.fields.map((field) => field.declared ?? 'string');
  }

  async open(): Promise<void> {}

  async fetch(keys: Map<string, unknown[]>, signal: AbortSignal): Promise<Map<string, Answer>> {
    const answers = new Map<string, Answer>();
    await Promise.all(
      [...keys].map(async ([text, values]) => {
        answers.set(text, await this.limiter.run(() => this.lookUp(values, signal)));
      }),
    );
    return answers;
  }

  async close(): Promise<void> {}

  private parsePath(text: string, path: string): PathStep[] {
    try {
      return parseJsonPath(text);
    } catch (error) {
      throw new FieldError(path, (error as Error).message);
    }
  }

  /** The answer for one key, after retries; throws only when the run was cancelled. */
  private async lookUp(keyValues: unknown[], signal: AbortSignal): Promise<Answer> {
    const values = new Map(this.keyFields.map((field, i) => [field.name, keyValues[i]]));
    const url = fill(this.options.url, values, (v) => encodeURIComponent(matchText(v, 'unknown') ?? ''));
    const body =
      this.options.body === undefined
        ? undefined
        : fill(this.options.body, values, (v) => JSON.stringify(toJsonSafe(v)));
    const request = `${this.options.method} ${redacted(url)}`;
    try {
      return await withRetry(() => this.attempt(url, body, request, signal), {
        policy: this.policy,
        isTransient: (error) => error instanceof HttpLookupError && error.transient && !signal.aborted,
        onRetry: (event) => logRetry(this.logger, `lookup ${request}`, event),
        signal,
      });
    } catch (error) {
      signal.throwIfAborted();
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  private async attempt(
    url: string,
    body: string | undefined,
    request: string,
    signal: AbortSignal,
  ): Promise<Answer> {
    const { method, headers, timeoutMs, notFound } = this.options;
    let response: Response;
    let json: unknown;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      if (notFound.includes(response.status)) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new HttpLookupError(
          `${request}: HTTP ${response.status} ${response.statusText}`.trimEnd(),
          isTransientStatus(response.status),
        );
      }
      const text = await response.text();
      try {
        json = JSON.parse(text) as unknown;
      } catch {
        throw new HttpLookupError(
          `${request}: the response is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
          false,
        );
      }
    } catch (error) {
      if (error instanceof HttpLookupError || signal.aborted) throw error;
      if ((error as Error).name === 'TimeoutError')
        throw new HttpLookupError(`${request}: no response within ${formatDuration(timeoutMs)}`, true);
      // fetch rejects with a TypeError for a refused or dropped connection; the cause says which.
      const cause = (error as Error).cause as Error | undefined;
      throw new HttpLookupError(`${request}: ${cause?.message ?? (error as Error).message}`, true);
    }
    let record = walkJson(json, this.recordPath);
    if (Array.isArray(record)) record = record[0];
    if (record === null || record === undefined) return null;
    return this.fields.map((field, i) => {
      const value = walkJson(record, this.fieldPaths[i]);
      try {
        return convertValue(value, field.declared ?? 'string');
      } catch (error) {
        throw new HttpLookupError(
          `${request}: ${field.name} (${field.from}): ${(error as Error).message}`,
          false,
        );
      }
    });
  }
}

/** A URL without its query string, which may carry an API key: what messages and logs show. */
function redacted(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : `${url.slice(0, query)}?…`;
}
