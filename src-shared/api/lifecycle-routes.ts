import { Type as T } from '@sinclair/typebox';
import { Execution, Job, JobState } from './model';
import { route } from './route';

/** A job's lifecycle beyond start and stop: pause, resume, retry, switch, clone, and its history of states. */

const Id = T.Object({ id: T.String({ minLength: 1 }) });

export const JobTransition = T.Object({
  id: T.String(),
  job_id: T.String(),
  execution_id: T.Union([T.String(), T.Null()]),
  from_state: JobState,
  to_state: JobState,
  actor: T.String(),
  reason: T.Union([T.String(), T.Null()]),
  at: T.String(),
});

export const lifecycleRoutes = {
  pauseJob: route({
    method: 'POST',
    path: '/jobs/:id/pause',
    input: Id,
    output: T.Object({ paused: T.Boolean() }),
    summary: 'Pause the running execution at a checkpoint (it can be resumed)',
  }),
  resumeJob: route({
    method: 'POST',
    path: '/jobs/:id/resume',
    input: Id,
    output: Execution,
    summary: 'Resume the paused execution from its checkpoints',
  }),
  retryJob: route({
    method: 'POST',
    path: '/jobs/:id/retry',
    input: Id,
    output: Execution,
    summary: 'Run the failed or cancelled execution again from its checkpoints',
  }),
  setJobEnabled: route({
    method: 'PUT',
    path: '/jobs/:id/enabled',
    input: T.Object({ id: T.String({ minLength: 1 }), enabled: T.Boolean() }),
    output: Job,
    summary: 'Switch the job’s schedule, triggers and dependencies on or off',
  }),
  cloneJob: route({
    method: 'POST',
    path: '/jobs/:id/clone',
    input: T.Object({
      id: T.String({ minLength: 1 }),
      name: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
    }),
    output: Job,
    summary: 'Copy a job (the copy starts switched off)',
  }),
  listJobTransitions: route({
    method: 'GET',
    path: '/jobs/:id/transitions',
    input: T.Object({
      id: T.String({ minLength: 1 }),
      limit: T.Optional(T.Integer({ minimum: 1, maximum: 1000 })),
    }),
    output: T.Array(JobTransition),
    summary: 'The job’s lifecycle transitions, newest first',
  }),
};
