import { Type as T, type Static } from '@sinclair/typebox';

/** A job another job depends on, or that depends on it; `job_id` null when no job has the name. */
export const JobLink = T.Object({ name: T.String(), job_id: T.Union([T.String(), T.Null()]) });
export type JobLink = Static<typeof JobLink>;

/** How a job runs by itself, as the scheduler sees its saved config. */
export const JobSchedule = T.Object({
  job_id: T.String(),
  /** A disabled job is not started by its schedule, triggers or dependencies. */
  enabled: T.Boolean(),
  /** `job.schedule`; null: none. */
  schedule: T.Union([T.String(), T.Null()]),
  /** `job.timezone`; null: the server's (`effective_timezone`). */
  timezone: T.Union([T.String(), T.Null()]),
  effective_timezone: T.String(),
  /** Why the schedule cannot run (not a cron expression, unknown time zone); null when it can. */
  schedule_problem: T.Union([T.String(), T.Null()]),
  /** The next 5 fire times, ISO 8601. */
  next_runs: T.Array(T.String()),
  last_fire_at: T.Union([T.String(), T.Null()]),
  missed: T.Union([T.Literal('skip'), T.Literal('run_once')]),
  overlap: T.Union([T.Literal('skip'), T.Literal('queue')]),
  webhook: T.Object({
    enabled: T.Boolean(),
    /** `POST` this path on the server to start a run; null while the webhook is off. */
    url_path: T.Union([T.String(), T.Null()]),
  }),
  file_trigger: T.Union([
    T.Object({
      /** As written in the config. */
      path: T.String(),
      /** The folder watched: relative paths resolve against the job's folder. */
      folder: T.String(),
      pattern: T.Union([T.String(), T.Null()]),
      /** The last file that started a run, and when. */
      last_file: T.Union([T.String(), T.Null()]),
      last_file_at: T.Union([T.String(), T.Null()]),
    }),
    T.Null(),
  ]),
  /** The jobs this one runs after (`job.after`). */
  upstream: T.Array(JobLink),
  /** The jobs that run after this one. */
  downstream: T.Array(JobLink),
});
export type JobSchedule = Static<typeof JobSchedule>;

/** The next fire times of a schedule being typed, or why it has none. */
export const SchedulePreview = T.Object({
  next_runs: T.Array(T.String()),
  problem: T.Union([T.String(), T.Null()]),
  effective_timezone: T.String(),
});
export type SchedulePreview = Static<typeof SchedulePreview>;
