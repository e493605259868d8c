import { parseDocument } from 'yaml';

/*
 * What makes a job run by itself, read from the `job` section of its YAML: the schedule and time
 * zone, the missed-run and overlap policies, the jobs it runs after, and its triggers. The
 * scheduler reads it from each saved job; the studio's schedule panel from the text being edited.
 * Validation (`fustgo validate`, saving a job) has already judged the values; here anything of the
 * wrong shape reads as absent, so a half-typed config never stops the reader.
 */

export type MissedPolicy = 'skip' | 'run_once';
export type OverlapPolicy = 'skip' | 'queue';

export interface FileTrigger {
  /** The folder, as written: absolute, or relative to the job's folder. */
  path: string;
  /** A glob on file names (`*.csv`); null: any file. */
  pattern: string | null;
}

export interface ScheduleSettings {
  /** A cron expression (or one ISO date-time, for a one-off run); null: no schedule. */
  schedule: string | null;
  /** IANA time zone; null: the machine's. */
  timezone: string | null;
  missed: MissedPolicy;
  overlap: OverlapPolicy;
  /** Names of the jobs whose successful runs start this one. */
  after: string[];
  webhook: boolean;
  file: FileTrigger | null;
}

export const NO_SCHEDULE_SETTINGS: ScheduleSettings = {
  schedule: null,
  timezone: null,
  missed: 'skip',
  overlap: 'skip',
  after: [],
  webhook: false,
  file: null,
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The schedule settings of a config's `job` section; text that does not parse has none. */
export function scheduleSettingsOf(configYaml: string): ScheduleSettings {
  const doc = parseDocument(configYaml);
  if (doc.errors.length > 0) return NO_SCHEDULE_SETTINGS;
  const job = record(record(doc.toJS() as unknown).job);
  const triggers = record(job.triggers);
  const file = record(triggers.file);
  const filePath = text(file.path);
  return {
    schedule: text(job.schedule),
    timezone: text(job.timezone),
    missed: job.missed === 'run_once' ? 'run_once' : 'skip',
    overlap: job.overlap === 'queue' ? 'queue' : 'skip',
    after: Array.isArray(job.after)
      ? [...new Set(job.after.map(text).filter((name): name is string => name !== null))]
      : [],
    webhook: triggers.webhook === true,
    file: filePath === null ? null : { path: filePath, pattern: text(file.pattern) },
  };
}
