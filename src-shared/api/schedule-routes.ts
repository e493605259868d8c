import { Type as T } from '@sinclair/typebox';
import { route } from './route';
import { JobSchedule, SchedulePreview } from './schedule-model';

/** Scheduling: when a job runs by itself, its triggers and the jobs it runs after. */
export const scheduleRoutes = {
  getJobSchedule: route({
    method: 'GET',
    path: '/jobs/:id/schedule',
    input: T.Object({ id: T.String({ minLength: 1 }) }),
    output: JobSchedule,
    summary:
      'The job’s schedule with its next 5 run times, missed-run and overlap policies, webhook and file triggers, and the jobs it runs after and before',
  }),
  regenerateWebhookToken: route({
    method: 'POST',
    path: '/jobs/:id/webhook-token',
    input: T.Object({ id: T.String({ minLength: 1 }) }),
    output: JobSchedule,
    summary: 'Give the job a new webhook URL; the old one stops working at once',
  }),
  previewSchedule: route({
    method: 'GET',
    path: '/schedules/preview',
    input: T.Object({
      schedule: T.String({ maxLength: 200 }),
      timezone: T.Optional(T.String({ maxLength: 100 })),
    }),
    output: SchedulePreview,
    summary: 'The next 5 run times of a cron expression in a time zone, or why it is not one',
  }),
} as const;
