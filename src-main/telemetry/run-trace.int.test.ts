import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS, fixedAppSettings } from '../../src-shared/config/app-settings';
import type { RunStats } from '../engine/stats';
import { createAppLog, type AppLog } from '../logs/app-logger';
import { createRunTracer, tracesUrl, type TracedExecution, type TracedJob } from './run-trace';

/*
 * Run traces sent to a real HTTP server speaking just enough OTLP/HTTP (JSON) to record what it
 * receives: span names, parents and attributes, an error on a failed run, and nothing at all when
 * no endpoint is configured.
 */

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes: { key: string; value: OtlpValue }[];
  status?: { code?: number; message?: string };
  events?: { name: string; attributes: { key: string; value: OtlpValue }[] }[];
}
interface OtlpRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const valueOf = (value: OtlpValue) =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue));
const attributesOf = (span: { attributes: { key: string; value: OtlpValue }[] }) =>
  Object.fromEntries(span.attributes.map((attribute) => [attribute.key, valueOf(attribute.value)]));

const JOB: TracedJob = {
  id: 'job-1',
  name: 'orders-to-pg',
  config_yaml: 'version: 1\ninput:\n  type: generate\noutput:\n  type: file\n',
};
const EXECUTION: TracedExecution = {
  id: 'exec-1',
  job_id: 'job-1',
  status: 'completed',
  created_at: '2025-06-01T10:00:00.000Z',
  started_at: '2025-06-01T10:00:01.000Z',
  finished_at: '2025-06-01T10:00:11.000Z',
  error: null,
  trigger: 'manual',
  attempt: 1,
};
const STATS: RunStats = {
  records_read: 1000,
  records_written: 900,
  records_failed: 10,
  bytes_read: 64_000,
  rows_per_second: 100,
  elapsed_ms: 10_000,
  total: 1000,
  lanes: 2,
  notes: [],
  processors: {
    'pipeline.processors[0]': {
      type: 'filter',
      records_in: 1000,
      records_out: 910,
      records_dropped: 90,
      records_skipped: 0,
      records_failed: 0,
    },
    'pipeline.processors[1]': {
      type: 'transform',
      records_in: 910,
      records_out: 900,
      records_dropped: 0,
      records_skipped: 0,
      records_failed: 10,
    },
  },
};

describe('run traces over OTLP/HTTP', () => {
  let server: Server;
  let endpoint: string;
  let received: { path: string; contentType: string; body: OtlpRequest }[];
  let dataDir: string;
  let appLog: AppLog;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          path: request.url ?? '',
          contentType: String(request.headers['content-type']),
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest,
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received = [];
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-trace-'));
    appLog = createAppLog({ dataDir });
  });
  afterEach(() => {
    appLog.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const withEndpoint = (otlp_endpoint: string | null) =>
    fixedAppSettings({ telemetry: { ...DEFAULT_APP_SETTINGS.telemetry, otlp_endpoint } });
  const spansOf = () =>
    received.flatMap((request) =>
      request.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
    );

  it('sends a run span with input, one span per processor and output under it', async () => {
    const tracer = createRunTracer({
      settings: withEndpoint(endpoint),
      logger: appLog.logger,
      env: {},
      version: '1.2.3',
    });
    await tracer.exportRunTrace(EXECUTION, STATS, JOB);
    await tracer.close();

    expect(received.map((request) => request.path)).toEqual(['/v1/traces']);
    expect(received[0].contentType).toContain('application/json');
    expect(attributesOf(received[0].body.resourceSpans[0].resource)).toMatchObject({
      'service.name': 'fustgo',
      'service.version': '1.2.3',
    });
    const spans = spansOf();
    const root = spans.find((span) => span.name === 'run orders-to-pg') as OtlpSpan;
    expect(root).toBeDefined();
    expect(root.parentSpanId || undefined).toBeUndefined();
    expect(spans.map((span) => span.name).sort()).toEqual([
      'input read',
      'output write',
      'pipeline.processors[0] filter',
      'pipeline.processors[1] transform',
      'run orders-to-pg',
    ]);
    for (const span of spans.filter((span) => span !== root)) {
      expect(span.parentSpanId).toBe(root.spanId);
      expect(span.traceId).toBe(root.traceId);
      expect(attributesOf(span)['fustgo.execution.id']).toBe('exec-1');
    }
    expect(attributesOf(root)).toMatchObject({
      'fustgo.job.name': 'orders-to-pg',
      'fustgo.job.id': 'job-1',
      'fustgo.execution.id': 'exec-1',
      'fustgo.execution.status': 'completed',
      'fustgo.records.read': 1000,
      'fustgo.records.written': 900,
      'fustgo.records.failed': 10,
    });
    expect(root.status?.code).toBe(1); // OK
    expect(BigInt(root.startTimeUnixNano)).toBe(
      BigInt(Date.parse(EXECUTION.started_at as string)) * 1_000_000n,
    );
    expect(BigInt(root.endTimeUnixNano)).toBe(
      BigInt(Date.parse(EXECUTION.finished_at as string)) * 1_000_000n,
    );
    const byName = (name: string) => attributesOf(spans.find((span) => span.name === name) as OtlpSpan);
    expect(byName('input read')).toMatchObject({
      'fustgo.component.type': 'generate',
      'fustgo.records.out': 1000,
    });
    expect(byName('pipeline.processors[0] filter')).toMatchObject({
      'fustgo.records.in': 1000,
      'fustgo.records.out': 910,
      'fustgo.records.dropped': 90,
    });
    expect(byName('pipeline.processors[1] transform')).toMatchObject({ 'fustgo.records.failed': 10 });
    expect(byName('output write')).toMatchObject({
      'fustgo.component.type': 'file',
      'fustgo.records.written': 900,
    });
  });

  it('records the error of a failed run and one output span per branch', async () => {
    const tracer = createRunTracer({
      settings: withEndpoint(`${endpoint}/`),
      logger: appLog.logger,
      env: {},
    });
    await tracer.exportRunTrace(
      { ...EXECUTION, status: 'failed', error: 'connection refused by 127.0.0.1:5432' },
      {
        ...STATS,
        processors: undefined,
        branches: {
          'pipeline.processors[0].branches[0]': {
            name: 'big',
            output: 'postgresql',
            records_in: 600,
            records_written: 600,
            records_failed: 0,
          },
          'pipeline.processors[0].else': {
            name: 'else',
            output: 'file',
            records_in: 400,
            records_written: 300,
            records_failed: 100,
          },
        },
      },
      JOB,
    );
    await tracer.close();
    const spans = spansOf();
    expect(spans.map((span) => span.name).sort()).toEqual([
      'input read',
      'output write pipeline.processors[0].branches[0]',
      'output write pipeline.processors[0].else',
      'run orders-to-pg',
    ]);
    const root = spans.find((span) => span.name === 'run orders-to-pg') as OtlpSpan;
    expect(root.status).toMatchObject({ code: 2, message: 'connection refused by 127.0.0.1:5432' });
    expect(root.events?.map((event) => [event.name, attributesOf(event)['exception.message']])).toEqual([
      ['exception', 'connection refused by 127.0.0.1:5432'],
    ]);
    const other = attributesOf(
      spans.find((span) => span.name === 'output write pipeline.processors[0].else') as OtlpSpan,
    );
    expect(other).toMatchObject({
      'fustgo.branch.name': 'else',
      'fustgo.component.type': 'file',
      'fustgo.records.failed': 100,
    });
  });

  it('sends nothing without an endpoint, and uses OTEL_EXPORTER_OTLP_ENDPOINT when the setting is empty', async () => {
    const off = createRunTracer({ settings: withEndpoint(null), logger: appLog.logger, env: {} });
    await off.exportRunTrace(EXECUTION, STATS, JOB);
    await off.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([]);

    const fromEnv = createRunTracer({
      settings: withEndpoint(null),
      logger: appLog.logger,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    });
    await fromEnv.exportRunTrace(EXECUTION, STATS, JOB);
    await fromEnv.close();
    expect(received.map((request) => request.path)).toEqual(['/v1/traces']);
  });

  it('says in the app log when the collector cannot be reached, without failing', async () => {
    const unreachable = createRunTracer({
      settings: withEndpoint('http://127.0.0.1:9'),
      logger: appLog.logger,
      env: {},
      exportTimeoutMs: 1000,
    });
    await expect(unreachable.exportRunTrace(EXECUTION, STATS, JOB)).resolves.toBeUndefined();
    await unreachable.close();
    const lines = readFileSync(join(dataDir, 'logs', 'fustgo.log'), 'utf8');
    expect(lines).toContain('could not export a run trace');
    expect(lines).toContain('http://127.0.0.1:9/v1/traces');
  });

  it('reads the endpoint from the setting, then the standard variables', () => {
    expect(tracesUrl(withEndpoint('http://collector:4318'), {})).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl(withEndpoint('http://collector:4318/v1/traces'), {})).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(tracesUrl(withEndpoint(null), { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/custom' })).toBe(
      'http://t:1/custom',
    );
    expect(tracesUrl(withEndpoint(null), {})).toBeNull();
  });
});
