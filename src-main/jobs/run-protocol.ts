import type { Checkpoint, ResumePoint } from '../engine/batch';
import type { RunResult } from '../engine/runtime';
import type { RunStats } from '../engine/stats';
import type { LogLevel } from '../../src-shared/api/model';
import type { ResolvedConnection } from '../config/connection-refs';

/*
 * The messages between the host (job service) and the process that runs one execution.
 * Plain JSON-serialisable objects: they cross Electron's utilityProcess port and
 * Node's fork IPC channel alike.
 */

/**
 * V8 flags for a process that runs pipelines. Runs allocate a short-lived object per value
 * (rows, strings, Dates, driver buffers); a 64 MB young generation lets most die without
 * being copied: MySQL → PostgreSQL measured +20% interleaved (BENCHMARKS.md). `bin/fustgo.js`
 * starts `fustgo run` with the same flags.
 */
export const RUN_V8_FLAGS = ['--max-semi-space-size=64'];

/** host → run: run this config. */
export interface StartMessage {
  type: 'start';
  execution_id: string;
  job_id: string;
  config_yaml: string;
  /** Name problems are reported against (e.g. `orders.yaml`). */
  file_name: string;
  /** Folder relative paths in the config resolve against. */
  base_dir: string;
  data_dir: string;
  /** Variables added to the run process's environment for `${VAR}` (e.g. `FUSTGO_EXAMPLES`). */
  env?: Record<string, string>;
  /**
   * The saved connections the config refers to, secrets included, resolved by the host (only it
   * can open them). Never logged: the message travels over the process's private IPC channel.
   */
  connections?: Record<string, ResolvedConnection>;
  /** Continue an earlier run of this config from its checkpoints (a retry or a resume). */
  resume?: ResumePoint;
}

/** host → run: stop reading, flush what was read, report a cancelled result. */
export interface CancelMessage {
  type: 'cancel';
}

/** host → run: stop reading, write what was read, commit the checkpoints, report a paused result. */
export interface PauseMessage {
  type: 'pause';
}

export type HostMessage = StartMessage | CancelMessage | PauseMessage;

export interface ProgressMessage {
  type: 'progress';
  stats: RunStats;
}

export interface LogMessage {
  type: 'log';
  level: LogLevel;
  message: string;
}

export interface CheckpointMessage {
  type: 'checkpoint';
  lane: number;
  checkpoint: Checkpoint;
}

/** The last message of a run; a process that exits without one crashed. */
export interface ResultMessage {
  type: 'result';
  result: RunResult;
}

export type RunMessage = ProgressMessage | LogMessage | CheckpointMessage | ResultMessage;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Narrows what arrived on the host side of the channel to a run message (anything else is dropped). */
export function isRunMessage(value: unknown): value is RunMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'progress':
      return isObject(value.stats);
    case 'log':
      return typeof value.level === 'string' && typeof value.message === 'string';
    case 'checkpoint':
      return typeof value.lane === 'number' && isObject(value.checkpoint);
    case 'result':
      return isObject(value.result) && typeof value.result.status === 'string';
    default:
      return false;
  }
}

/** Narrows what arrived in the run process to a host message. */
export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value)) return false;
  if (value.type === 'cancel' || value.type === 'pause') return true;
  return (
    value.type === 'start' &&
    typeof value.execution_id === 'string' &&
    typeof value.job_id === 'string' &&
    typeof value.config_yaml === 'string' &&
    typeof value.file_name === 'string' &&
    typeof value.base_dir === 'string' &&
    typeof value.data_dir === 'string'
  );
}
