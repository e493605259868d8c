import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger as PinoLogger } from 'pino';
import { parse } from 'yaml';
import type { Execution, Job } from '../../src-shared/api/model';
import type { AppSettingsSource } from '../../src-shared/config/app-settings';
import type { RunStats } from '../engine/stats';

/*
 * OpenTelemetry traces of runs, built on the host from a finished run's statistics: the run
 * process stays as it is, and a run that crashed is traced too. Stages of a pipeline run at the
 * same time (batches stream through them), so each stage's span covers the run, and what it did
 * and how long it waited are its attributes.
 *
 *   run <job>                                   (root: execution id, job, status, counts)
 *   ├─ input read                               (rows and bytes read, time waiting on the source)
 *   ├─ pipeline.processors[0] filter            (rows in, out, dropped, skipped, failed)
 *   ├─ …
 *   └─ output write                             (rows written, time the target was busy, batch latency)
 *      or one `output write <branch path>` per branch of a closing `conditional`
 */

/** The execution fields a trace shows. */
export type TracedExecution = Pick<
  Execution,
  'id' | 'job_id' | 'status' | 'created_at' | 'started_at' | 'finished_at' | 'error' | 'trigger' | 'attempt'
>;
export type TracedJob = Pick<Job, 'id' | 'name' | 'config_yaml'>;

export interface RunTracerOptions {
  settings: AppSettingsSource;
  logger: PinoLogger;
  /** Where `OTEL_EXPORTER_OTLP_*` are read; defaults to the process's. */
  env?: NodeJS.ProcessEnv;
  /** `service.version` of the traces. */
  version?: string;
  /** How long one export may take, retries of an unreachable collector included; default 10 s. */
  exportTimeoutMs?: number;
}

export interface RunTracer {
  /** Sends the run's trace when an endpoint is configured; never throws (failures are logged). */
  exportRunTrace(execution: TracedExecution, stats: RunStats | null, job: TracedJob): Promise<void>;
  close(): Promise<void>;
}

/**
 * The OTLP/HTTP traces URL: the setting `telemetry.otlp_endpoint` (a base URL), else the standard
 * variables `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (taken as is) or `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (a base URL); null: tracing is off.
 */
export function tracesUrl(settings: AppSettingsSource, env: NodeJS.ProcessEnv): string | null {
  const base = settings.current().telemetry.otlp_endpoint?.trim() || null;
  const withPath = (url: string) =>
    /\/v1\/traces\/?$/.test(url) ? url : `${url.replace(/\/+$/, '')}/v1/traces`;
  if (base) return withPath(base);
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const general = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return general ? withPath(general) : null;
}

/** `input.type` and `output.type` of a config, when it reads as YAML. */
function componentTypes(configYaml: string): { input: string | null; output: string | null } {
  try {
    const config = parse(configYaml) as { input?: { type?: unknown }; output?: { type?: unknown } } | null;
    const type = (value: unknown) => (typeof value === 'string' ? value : null);
    return { input: type(config?.input?.type), output: type(config?.output?.type) };
  } catch {
    return { input: null, output: null };
  }
}

/** Drops attributes without a value (OpenTelemetry refuses null). */
function attributes(values: Record<string, string | number | boolean | null | undefined>): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(values))
    if (value !== null && value !== undefined) kept[key] = value;
  return kept;
}

/** Reports exports that failed in the app log (the SDK would only tell its silent diagnostics). */
function loggedExporter(inner: SpanExporter, url: string, logger: PinoLogger): SpanExporter {
  return {
    export(spans, done) {
      inner.export(spans, (result) => {
        if (result.error || result.code !== 0)
          logger.warn(
            { err: result.error, endpoint: url, spans: spans.length },
            'could not export a run trace',
          );
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

export function createRunTracer(options: RunTracerOptions): RunTracer {
  const { settings, logger } = options;
  const env = options.env ?? process.env;
  let current: { url: string; provider: BasicTracerProvider } | null = null;

  /** One provider per endpoint, replaced when the setting changes. */
  async function providerFor(url: string): Promise<BasicTracerProvider> {
    if (current?.url === url) return current.provider;
    const previous = current;
    const exporter = loggedExporter(
      new OTLPTraceExporter({ url, timeoutMillis: options.exportTimeoutMs ?? 10_000 }),
      url,
      logger,
    );
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes(
        attributes({ 'service.name': 'fustgo', 'service.version': options.version }),
      ),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    current = { url, provider };
    await previous?.provider.shutdown().catch(() => undefined);
    return provider;
  }

  function spansOf(
    provider: BasicTracerProvider,
    execution: TracedExecution,
    stats: RunStats | null,
    job: TracedJob,
  ) {
    const tracer = provider.getTracer('fustgo.runs');
    const start = new Date(execution.started_at ?? execution.created_at);
    const end = execution.finished_at ? new Date(execution.finished_at) : new Date();
    const types = componentTypes(job.config_yaml);
    const stages = stats?.stages;
    const root = tracer.startSpan(
      `run ${job.name}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: start,
        attributes: attributes({
          'fustgo.job.id': job.id,
          'fustgo.job.name': job.name,
          'fustgo.execution.id': execution.id,
          'fustgo.execution.status': execution.status,
          'fustgo.execution.trigger': execution.trigger,
          'fustgo.execution.attempt': execution.attempt,
          'fustgo.records.read': stats?.records_read,
          'fustgo.records.written': stats?.records_written,
          'fustgo.records.failed': stats?.records_failed,
          'fustgo.bytes.read': stats?.bytes_read,
          'fustgo.lanes': stats?.lanes,
          'fustgo.bottleneck': stats?.bottleneck?.verdict,
        }),
      },
      ROOT_CONTEXT,
    );
    const parent = trace.setSpan(ROOT_CONTEXT, root);
    const child = (
      name: string,
      values: Record<string, string | number | boolean | null | undefined>,
    ): Span =>
      tracer.startSpan(
        name,
        { startTime: start, attributes: attributes({ 'fustgo.execution.id': execution.id, ...values }) },
        parent,
      );
    const children: Span[] = [
      child('input read', {
        'fustgo.component.type': types.input,
        'fustgo.records.out': stats?.records_read,
        'fustgo.bytes.read': stats?.bytes_read,
        'fustgo.stage.wait_ms': stages?.read_wait_ms,
        'fustgo.stage.blocked_ms': stages?.read_blocked_ms,
      }),
    ];
    for (const [path, step] of Object.entries(stats?.processors ?? {}))
      children.push(
        child(`${path} ${step.type}`, {
          'fustgo.component.path': path,
          'fustgo.component.type': step.type,
          'fustgo.records.in': step.records_in,
          'fustgo.records.out': step.records_out,
          'fustgo.records.dropped': step.records_dropped,
          'fustgo.records.skipped': step.records_skipped,
          'fustgo.records.failed': step.records_failed,
        }),
      );
    const writeTimes = {
      'fustgo.stage.busy_ms': stages?.write_busy_ms,
      'fustgo.stage.wait_ms': stages?.write_wait_ms,
      'fustgo.write.batches': stages?.write_batches,
      'fustgo.write.p50_ms': stages?.write_p50_ms,
      'fustgo.write.p95_ms': stages?.write_p95_ms,
    };
    const branches = Object.entries(stats?.branches ?? {});
    if (branches.length === 0)
      children.push(
        child('output write', {
          'fustgo.component.type': types.output,
          'fustgo.records.written': stats?.records_written,
          ...writeTimes,
        }),
      );
    for (const [path, branch] of branches)
      children.push(
        child(`output write ${path}`, {
          'fustgo.component.path': path,
          'fustgo.component.type': branch.output,
          'fustgo.branch.name': branch.name,
          'fustgo.records.in': branch.records_in,
          'fustgo.records.written': branch.records_written,
          'fustgo.records.failed': branch.records_failed,
          // The branches share one writer stage: its times are for all of them together.
          ...writeTimes,
        }),
      );
    for (const span of children) span.end(end);
    if (execution.status === 'failed') {
      const message = execution.error ?? 'the run failed';
      root.recordException({ name: 'RunFailed', message }, end);
      root.setStatus({ code: SpanStatusCode.ERROR, message });
    } else if (execution.status === 'completed') {
      root.setStatus({ code: SpanStatusCode.OK });
    }
    root.end(end);
  }

  return {
    async exportRunTrace(execution, stats, job) {
      const url = tracesUrl(settings, env);
      if (!url) return;
      try {
        const provider = await providerFor(url);
        spansOf(provider, execution, stats, job);
        await provider.forceFlush();
      } catch (error) {
        logger.warn(
          { err: error, endpoint: url, execution_id: execution.id },
          'could not export a run trace',
        );
      }
    },
    async close() {
      const provider = current?.provider;
      current = null;
      await provider?.shutdown().catch(() => undefined);
    },
  };
}
