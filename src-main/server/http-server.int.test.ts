import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { routeNames, type RouteName, type StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import { createHttpClient } from '../../src-shared/api/http-client';
import type { Execution, Job, StudioEvent } from '../../src-shared/api/model';
import { startServer, type RunningServer, type ServedServices } from './http-server';

const job: Job = {
  id: 'j1',
  name: 'orders',
  description: '',
  config_yaml: 'version: 1\n',
  flow_diagram: null,
  created_at: '2024-01-01T00:00:00.000Z',
  updated_at: '2024-01-01T00:00:00.000Z',
  state: 'ready',
  enabled: true,
};
const execution: Execution = {
  id: 'e1',
  job_id: 'j1',
  status: 'running',
  started_at: null,
  finished_at: null,
  records_read: 0,
  records_written: 0,
  records_failed: 0,
  bytes_read: 0,
  error: null,
  checkpoint: null,
  created_at: '2024-01-01T00:00:00.000Z',
  notes: [],
  steps: null,
  trigger: 'manual',
  actor: 'user',
  attempt: 1,
  resumed_from: null,
  trigger_detail: null,
  run_after: null,
};

/** A fake that records each call and answers with the smallest valid result (routes not listed answer not_found). */
function fakeServices() {
  const calls: { name: RouteName; input: unknown }[] = [];
  const listeners = new Set<(e: StudioEvent) => void>();
  const answers: Partial<{ [N in RouteName]: (input: never) => unknown }> = {
    listJobs: () => [],
    getJob: (input: { id: string }) => {
      if (input.id === 'missing') throw new ApiError('not_found', 'no job missing');
      if (input.id === 'boom') throw new Error('database on fire');
      return job;
    },
    createJob: (input: { name: string }) => {
      if (input.name === 'taken') throw new ApiError('conflict', 'name taken', { name: 'taken' });
      if (input.name === 'broken') throw new ApiError('invalid_config', 'bad yaml', [{ line: 1 }]);
      return job;
    },
    updateJob: () => job,
    deleteJob: () => ({ deleted: true }),
    startJob: () => execution,
    stopJob: () => ({ stopped: true }),
    listExecutions: () => [execution],
    getExecution: () => execution,
    listPlugins: () => [],
    getPlugin: (input: { kind: string; name: string }) => ({
      name: input.name,
      kind: input.kind,
      category: 'files',
      title: 'File',
      description: 'd',
      status: 'stable',
      enabled: true,
      schema: {},
      examples: [],
    }),
    validateConfig: () => ({ valid: true, problems: [] }),
    listExamples: () => [],
  };
  const api = Object.fromEntries(
    routeNames.map((name) => [
      name,
      async (input: unknown) => {
        calls.push({ name, input });
        const answer = answers[name] as ((i: unknown) => unknown) | undefined;
        if (!answer) throw new ApiError('not_found', `the fake has no answer for ${name}`);
        return answer(input);
      },
    ]),
  ) as unknown as StudioApi;
  const services: ServedServices = {
    api,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (e: StudioEvent) => listeners.forEach((l) => l(e));
  return { services, calls, emit, listeners };
}

const fake = fakeServices();
let server: RunningServer;
let staticDir: string;
const errors: string[] = [];

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'fustgo-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>FustGo Studio</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startServer({
    services: fake.services,
    port: 0,
    staticDir,
    version: '9.9.9',
    logger: { error: (msg) => errors.push(msg) },
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(staticDir, { recursive: true, force: true });
});

async function http(method: string, path: string, body?: unknown) {
  const response = await fetch(server.url + path, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json');
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: isJson ? JSON.parse(text) : undefined,
  };
}

describe('HTTP server', () => {
  it('maps each REST path to its method with the input built from path, query and body', async () => {
    fake.calls.length = 0;
    await http('GET', '/api/v1/jobs');
    await http('GET', '/api/v1/jobs/j1');
    await http('POST', '/api/v1/jobs', { name: 'n', config_yaml: 'x' });
    await http('PUT', '/api/v1/jobs/j1', { name: 'renamed' });
    await http('DELETE', '/api/v1/jobs/j1');
    await http('POST', '/api/v1/jobs/j1/start', {});
    await http('POST', '/api/v1/jobs/j1/stop', {});
    await http('GET', '/api/v1/executions?job_id=j1&limit=5');
    await http('GET', '/api/v1/executions/e1');
    await http('GET', '/api/v1/plugins');
    await http('GET', '/api/v1/plugins/input/file');
    await http('POST', '/api/v1/configs/validate', { config_yaml: 'version: 1' });
    await http('GET', '/api/v1/examples');
    expect(fake.calls).toEqual([
      { name: 'listJobs', input: {} },
      { name: 'getJob', input: { id: 'j1' } },
      { name: 'createJob', input: { name: 'n', config_yaml: 'x' } },
      { name: 'updateJob', input: { id: 'j1', name: 'renamed' } },
      { name: 'deleteJob', input: { id: 'j1' } },
      { name: 'startJob', input: { id: 'j1' } },
      { name: 'stopJob', input: { id: 'j1' } },
      // The query string's "5" reaches the service as the integer the schema asks for.
      { name: 'listExecutions', input: { job_id: 'j1', limit: 5 } },
      { name: 'getExecution', input: { id: 'e1' } },
      { name: 'listPlugins', input: {} },
      { name: 'getPlugin', input: { kind: 'input', name: 'file' } },
      { name: 'validateConfig', input: { config_yaml: 'version: 1' } },
      { name: 'listExamples', input: {} },
    ]);
  });

  it('answers invalid input with 400 bad_request and the problems in details', async () => {
    const missing = await http('POST', '/api/v1/jobs', { name: '' });
    expect(missing.status).toBe(400);
    expect(missing.json.code).toBe('bad_request');
    expect(missing.json.details).toEqual(
      expect.arrayContaining([
        { path: 'config_yaml', message: 'is required' },
        { path: 'name', message: expect.stringContaining('fewer than 1') },
      ]),
    );
    const limit = await http('GET', '/api/v1/executions?limit=abc');
    expect(limit.status).toBe(400);
    expect(limit.json.details).toEqual([{ path: 'limit', message: 'must be integer' }]);
    const kind = await http('GET', '/api/v1/plugins/widget/file');
    expect(kind.status).toBe(400);
    const malformed = await fetch(server.url + '/api/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'bad_request' });
  });

  it('maps ApiError codes to their statuses and hides unexpected errors behind 500', async () => {
    expect((await http('GET', '/api/v1/jobs/missing')).status).toBe(404);
    const conflict = await http('POST', '/api/v1/jobs', { name: 'taken', config_yaml: 'x' });
    expect(conflict).toMatchObject({
      status: 409,
      json: { code: 'conflict', message: 'name taken', details: { name: 'taken' } },
    });
    expect((await http('POST', '/api/v1/jobs', { name: 'broken', config_yaml: 'x' })).status).toBe(422);
    const boom = await http('GET', '/api/v1/jobs/boom');
    expect(boom.status).toBe(500);
    expect(boom.json).toEqual({ code: 'internal', message: 'internal error' });
    expect(errors).toContain('request failed');
  });

  it('answers unknown API paths with a JSON 404 and reports health', async () => {
    const unknown = await http('GET', '/api/v1/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('not_found');
    expect((await http('POST', '/api/v1/nope', {})).status).toBe(404);
    expect((await http('GET', '/api/v1/health')).json).toEqual({ ok: true, version: '9.9.9' });
  });

  it('serves the studio with a strict CSP and falls back to index.html for client routes', async () => {
    const root = await http('GET', '/');
    expect(root.status).toBe(200);
    expect(root.text).toContain('FustGo Studio');
    const csp = root.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect((await http('GET', '/jobs/j1')).text).toContain('FustGo Studio');
    expect((await http('GET', '/assets/app.js')).text).toBe('console.log(1)');
    expect((await http('GET', '/assets/missing.js')).status).toBe(404);
  });

  it('pushes every event to connected WebSocket clients', async () => {
    const socket = new WebSocket(server.url.replace('http', 'ws') + '/api/v1/ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const received = new Promise<unknown>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    const event: StudioEvent = {
      type: 'job_status',
      job_id: 'j1',
      execution_id: 'e1',
      status: 'completed',
      error: null,
    };
    fake.emit(event);
    expect(await received).toEqual(event);
    socket.close();
  });
});

describe('createHttpClient against the server', () => {
  it('round-trips calls, rethrows ApiError and receives events', async () => {
    const client = createHttpClient(server.url, { WebSocket, reconnectDelayMs: 20 });
    expect(await client.api.getJob({ id: 'j1' })).toEqual(job);
    expect(await client.api.listExecutions({ job_id: 'j1', limit: 5 })).toEqual([execution]);
    expect(await client.api.updateJob({ id: 'j1', name: 'renamed' })).toEqual(job);
    const error = await client.api.getJob({ id: 'missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not_found', message: 'no job missing', status: 404 });

    const events: StudioEvent[] = [];
    const unsubscribe = client.onEvent((e) => events.push(e));
    const log: StudioEvent = {
      type: 'log_entry',
      job_id: null,
      execution_id: null,
      level: 'info',
      message: 'hello',
      time: '2024-01-01T00:00:00.000Z',
    };
    await expect
      .poll(() => {
        fake.emit(log);
        return events.length;
      })
      .toBeGreaterThan(0);
    expect(events[0]).toEqual(log);
    unsubscribe();
    client.close();
  });
});

describe('event stream resilience', () => {
  it('reconnects after the server restarts', async () => {
    const first = fakeServices();
    const a = await startServer({ services: first.services, port: 0 });
    const client = createHttpClient(a.url, { WebSocket, reconnectDelayMs: 20, maxReconnectDelayMs: 50 });
    const received: string[] = [];
    client.onEvent((e) => received.push(e.type === 'log_entry' ? e.message : e.type));
    const log = (message: string): StudioEvent => ({
      type: 'log_entry',
      job_id: null,
      execution_id: null,
      level: 'info',
      message,
      time: '2024-01-01T00:00:00.000Z',
    });
    await expect.poll(() => (first.emit(log('before')), received.includes('before'))).toBe(true);
    await a.close();

    const second = fakeServices();
    const b = await startServer({ services: second.services, port: a.port });
    await expect.poll(() => (second.emit(log('after')), received.includes('after'))).toBe(true);
    client.close();
    await b.close();
  });

  it('rejects when the port is taken', async () => {
    await expect(startServer({ services: fakeServices().services, port: server.port })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });
});
