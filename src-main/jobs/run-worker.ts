import { join } from 'node:path';
import { ConfigErrors, fixedConnections, formatProblem, loadPipelineText } from '../config/index';
import type { Logger } from '../engine/component';
import { defaultRegistry } from '../default-registry';
import type { RunResult } from '../engine/runtime';
import { runLoadedConfig } from './run-config';
import type { LogLevel } from '../../src-shared/api/model';
import { isHostMessage, type RunMessage, type StartMessage } from './run-protocol';
import { openRunWatermark, type RunWatermark } from './run-watermark';
import { jobNameOf } from '../config/validate';
import { adjustForResume, resumeBlocker } from './resume-config';

/*
 * The process one execution runs in: an Electron utility process on the desktop, a
 * `child_process.fork` under `fustgo serve` and in tests. It waits for `start`, runs the
 * pipeline, streams progress, logs and checkpoints to the host, sends the result and exits.
 */

/** Electron's utility-process port (absent under plain Node). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

interface Channel {
  send(message: RunMessage): void;
  /** Sends the last message, then ends the process. */
  finish(message: RunMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

const PROGRESS_INTERVAL_MS = 500;

/** The channel to the host: Electron's parentPort, else Node's fork IPC. */
function hostChannel(): Channel {
  const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      finish(message) {
        parentPort.postMessage(message);
        // Let the port flush before the process ends.
        setImmediate(() => process.exit(0));
      },
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('run-worker must be started by the studio (no IPC channel to a host)');
  // The host is gone: nobody would read the result, and the run must not outlive the studio.
  process.on('disconnect', () => process.exit(1));
  return {
    send: (message) => void send(message),
    finish: (message) => void send(message, undefined, undefined, () => process.exit(0)),
    onMessage: (listener) => process.on('message', listener),
  };
}

function runLogger(channel: Channel): Logger {
  const log = (level: LogLevel) => (message: string, data?: Record<string, unknown>) => {
    const detail = data && Object.keys(data).length > 0 ? ` ${JSON.stringify(data)}` : '';
    channel.send({ type: 'log', level, message: `${message}${detail}` });
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function failedResult(error: string): RunResult {
  return {
    status: 'failed',
    error,
    records_read: 0,
    records_written: 0,
    records_failed: 0,
    bytes_read: 0,
    rows_per_second: 0,
    elapsed_ms: 0,
    total: null,
    lanes: 0,
    notes: [],
  };
}

/**
 * One file per execution, beside the job's own files (`<data dir>/jobs/<job id>/`, which outlives
 * the job as its output does): `dead-letter/<execution id>.jsonl`, created with the first rejected row.
 */
function deadLetterPathOf(start: StartMessage): string {
  return join(start.data_dir, 'jobs', start.job_id, 'dead-letter', `${start.execution_id}.jsonl`);
}

/** Loads, validates, plans and runs the config of `start`; never throws. */
async function execute(
  start: StartMessage,
  channel: Channel,
  signal: AbortSignal,
  pause: AbortSignal,
): Promise<RunResult> {
  const logger = runLogger(channel);
  let watermark: RunWatermark | undefined;
  try {
    const loaded = await loadPipelineText(start.config_yaml, start.file_name, start.base_dir, {
      env: { ...process.env, ...start.env },
      connections: fixedConnections(start.connections ?? {}),
    });
    if (!loaded.ok) return failedResult(loaded.problems.map(formatProblem).join('\n'));
    const blocker = start.resume && resumeBlocker(loaded.loaded.config);
    const resume = blocker ? undefined : start.resume;
    const resumeNotes = blocker
      ? [`read from the start, not from the checkpoints: ${blocker}`]
      : resume
        ? adjustForResume(loaded.loaded.config)
        : [];
    watermark = await openRunWatermark(loaded.loaded, jobNameOf(loaded.loaded), start.data_dir, false);
    const result = await runLoadedConfig(loaded.loaded, defaultRegistry({ ...process.env, ...start.env }), {
      signal,
      logger,
      progressIntervalMs: PROGRESS_INTERVAL_MS,
      onProgress: (stats) => channel.send({ type: 'progress', stats }),
      onCheckpoint: (lane, checkpoint) => channel.send({ type: 'checkpoint', lane, checkpoint }),
      deadLetterPath: deadLetterPathOf(start),
      pause,
      ...(resume ? { resume } : {}),
      ...(watermark?.previous !== undefined ? { watermark: watermark.previous } : {}),
    });
    result.notes.unshift(...resumeNotes);
    if (watermark?.note) result.notes.unshift(watermark.note);
    if (watermark && result.watermark !== undefined) {
      const note = await watermark.save(result.watermark);
      result.notes.push(note);
      logger.info(note);
    }
    return result;
  } catch (error) {
    if (error instanceof ConfigErrors) return failedResult(error.message);
    return failedResult(error instanceof Error ? error.message : String(error));
  } finally {
    await watermark?.close();
  }
}

function main(): void {
  const channel = hostChannel();
  const controller = new AbortController();
  const pause = new AbortController();
  let started = false;
  channel.onMessage((message) => {
    if (!isHostMessage(message)) return;
    if (message.type === 'cancel') {
      controller.abort();
      return;
    }
    if (message.type === 'pause') {
      pause.abort();
      return;
    }
    if (started) return;
    started = true;
    void execute(message, channel, controller.signal, pause.signal).then((result) =>
      channel.finish({ type: 'result', result }),
    );
  });
}

main();
