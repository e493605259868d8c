import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Column } from '../../src-main/engine/batch';
import { failOnReject, FieldError } from '../../src-main/engine/component';
import { collectingContext } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import { enrichmentProcessor } from './spec';
import { runBatch } from './test-support';

/*
 * The HTTP lookup against a real server on a local port: templates, records, misses, retries
 * on 503, timeouts, the concurrency limit and the cache.
 */

type Config = Parameters<typeof enrichmentProcessor.create>[0];

const CUSTOMERS: Record<string, { name: string; score: number; since: string }> = {
  '7': { name: 'Ada', score: 812, since: '2021-03-04T05:06:07Z' },
  '8': { name: 'Grace', score: 640, since: '2019-01-02T00:00:00Z' },
};

let server: Server;
let base: string;
/** Requests per path, and how many were in flight at most. */
let hits: Map<string, number>;
let maxInFlight = 0;
/** Requests being handled, per test (a slow request of an earlier test is not this test's). */
let inFlight = new Set<IncomingMessage>();
/** Per path: statuses to answer before the real answer (503, 503, …). */
let failures: Map<string, number[]>;
let delayMs = 0;

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
  const planned = failures.get(url.pathname);
  const status = planned?.shift();
  if (status) {
    res.writeHead(status, { 'content-type': 'text/plain' }).end('try later');
    return;
  }
  if (url.pathname === '/bad-request') {
    res.writeHead(400).end('no');
    return;
  }
  if (url.pathname === '/search') {
    const { id } = JSON.parse(body) as { id: number };
    const found = CUSTOMERS[String(id)];
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ results: found ? [found] : [] }));
    return;
  }
  const id = url.pathname.split('/').pop() ?? '';
  const found = CUSTOMERS[id];
  if (!found) {
    res.writeHead(404).end();
    return;
  }
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ data: { customer: found }, key: url.searchParams.get('key') }));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const current = inFlight;
      current.add(req);
      maxInFlight = Math.max(maxInFlight, current.size);
      setTimeout(() => {
        current.delete(req);
        if (!res.destroyed) handle(req, res, body);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  hits = new Map();
  failures = new Map();
  delayMs = 0;
  maxInFlight = 0;
  inFlight = new Set();
});

const orders: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'customer_id', type: 'int' },
];

const quickRetry = { max_retries: 2, initial_delay: 0.01, multiplier: 2 };

function create(lookup: Partial<Extract<Config['lookup'], { type: 'http' }>>, extra: Partial<Config> = {}) {
  return enrichmentProcessor.create(
    {
      lookup: {
        type: 'http',
        url: `${base}/customers/{customer_id}`,
        record: 'data.customer',
        retry: quickRetry,
        ...lookup,
      },
      fields: {
        customer: 'name',
        score: { from: 'score', type: 'int' },
        since: { from: 'since', type: 'timestamptz' },
      },
      ...extra,
    },
    testContext(),
  );
}

describe('HTTP enrichment', () => {
  it('fills the URL from the row, reads typed fields from the record, a 404 being a miss', async () => {
    const bound = create({}).bind(orders);
    expect(bound.columns.slice(2).map((c) => `${c.name}:${c.type}`)).toEqual([
      'customer:string',
      'score:int',
      'since:timestamptz',
    ]);
    expect(
      await runBatch(
        bound,
        [
          [1, 7],
          [2, 9],
          [3, 7],
          [4, 8],
        ],
        failOnReject,
      ),
    ).toEqual([
      [1, 7, 'Ada', 812, new Date('2021-03-04T05:06:07Z')],
      [2, 9, null, null, null],
      [3, 7, 'Ada', 812, new Date('2021-03-04T05:06:07Z')],
      [4, 8, 'Grace', 640, new Date('2019-01-02T00:00:00Z')],
    ]);
    // One request per distinct key; the next batch is answered by the cache, misses included.
    expect(Object.fromEntries(hits)).toEqual({ '/customers/7': 1, '/customers/8': 1, '/customers/9': 1 });
    await runBatch(
      bound,
      [
        [5, 7],
        [6, 9],
      ],
      failOnReject,
    );
    expect(Object.fromEntries(hits)).toEqual({ '/customers/7': 1, '/customers/8': 1, '/customers/9': 1 });
  });

  it('retries a 503 with backoff until the answer comes', async () => {
    failures.set('/customers/7', [503, 503]);
    const bound = create({}).bind(orders);
    expect(await runBatch(bound, [[1, 7]], failOnReject)).toEqual([
      [1, 7, 'Ada', 812, new Date('2021-03-04T05:06:07Z')],
    ]);
    expect(hits.get('/customers/7')).toBe(3);
  });

  it('rejects the rows of a key whose requests keep failing, and asks again for the next batch', async () => {
    failures.set('/customers/7', [503, 503, 503]);
    const bound = create({}).bind(orders);
    const ctx = collectingContext();
    expect(
      await runBatch(
        bound,
        [
          [1, 7],
          [2, 8],
          [3, 7],
        ],
        ctx,
      ),
    ).toEqual([[2, 8, 'Grace', 640, new Date('2019-01-02T00:00:00Z')]]);
    expect(ctx.rejected.map((r) => [r.row[0], r.error])).toEqual([
      [1, `GET ${base}/customers/7: HTTP 503 Service Unavailable (gave up after 3 attempts)`],
      [3, `GET ${base}/customers/7: HTTP 503 Service Unavailable (gave up after 3 attempts)`],
    ]);
    // Errors are not cached: the fourth request succeeds.
    expect(await runBatch(bound, [[4, 7]], failOnReject)).toEqual([
      [4, 7, 'Ada', 812, new Date('2021-03-04T05:06:07Z')],
    ]);
    expect(hits.get('/customers/7')).toBe(4);
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    delayMs = 1000;
    const bound = create({ timeout: '100ms', retry: { max_retries: 1, initial_delay: 0.01 } }).bind(orders);
    const ctx = collectingContext();
    const started = performance.now();
    expect(await runBatch(bound, [[1, 7]], ctx)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(900);
    expect(ctx.rejected.map((r) => r.error)).toEqual([
      `GET ${base}/customers/7: no response within 100ms (gave up after 2 attempts)`,
    ]);
  });

  it('does not retry a client error, and keeps the query string (an API key) out of messages', async () => {
    const bound = create({ url: `${base}/bad-request?key=secret-123&c={customer_id}` }).bind(orders);
    const ctx = collectingContext();
    await runBatch(bound, [[1, 7]], ctx);
    expect(ctx.rejected.map((r) => r.error)).toEqual([`GET ${base}/bad-request?…: HTTP 400 Bad Request`]);
    expect(hits.get('/bad-request')).toBe(1);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    delayMs = 20;
    const bound = create({ concurrency: 3 }).bind(orders);
    const rows = Array.from({ length: 12 }, (_, i) => [i, 100 + i]);
    await runBatch(bound, rows, failOnReject);
    expect(hits.size).toBe(12);
    expect(maxInFlight).toBe(3);
  });

  it('POSTs a JSON body made from the row and takes the first element of an array record', async () => {
    const bound = create({
      url: `${base}/search`,
      method: 'POST',
      body: '{"id": {customer_id}}',
      record: 'results',
    }).bind(orders);
    expect(
      await runBatch(
        bound,
        [
          [1, 8],
          [2, 9],
        ],
        failOnReject,
      ),
    ).toEqual([
      [1, 8, 'Grace', 640, new Date('2019-01-02T00:00:00Z')],
      [2, 9, null, null, null],
    ]);
  });

  it('names a row field the URL asks for that the rows lack, at its place', () => {
    try {
      create({ url: `${base}/customers/{customer}` }).bind(orders);
      throw new Error('expected a FieldError');
    } catch (error) {
      expect(error).toBeInstanceOf(FieldError);
      expect((error as FieldError).path).toBe('lookup.url');
      expect((error as FieldError).message).toBe('unknown column "customer" (did you mean "customer_id"?)');
      expect((error as FieldError).offset).toBe(base.length + '/customers/'.length + 2);
    }
  });
});

describe('HTTP enrichment across lanes', () => {
  it('looks a key up once when two lanes need it at the same time', async () => {
    delayMs = 30;
    const processor = create({});
    // Each lane binds its own chain; the lookups in flight are the processor's.
    const lanes = [processor.bind(orders), processor.bind(orders)];
    const results = await Promise.all([
      runBatch(
        lanes[0],
        [
          [1, 7],
          [2, 8],
        ],
        failOnReject,
      ),
      runBatch(
        lanes[1],
        [
          [3, 8],
          [4, 7],
        ],
        failOnReject,
      ),
    ]);
    expect(results.map((rows) => rows.map((r) => r[2]))).toEqual([
      ['Ada', 'Grace'],
      ['Grace', 'Ada'],
    ]);
    expect(Object.fromEntries(hits)).toEqual({ '/customers/7': 1, '/customers/8': 1 });
  });
});
