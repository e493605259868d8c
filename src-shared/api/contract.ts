import { Type as T, type Static } from '@sinclair/typebox';
import { alertRoutes } from './alert-routes';
import { auditRoutes } from './audit-routes';
import { catalogRoutes } from './catalog-routes';
import { connectionRoutes } from './connection-routes';
import { deadLetterRoutes } from './dead-letter-routes';
import { diffRoutes } from './diff-routes';
import { inspectRoutes } from './inspect-routes';
import { lifecycleRoutes } from './lifecycle-routes';
import { logRoutes } from './log-routes';
import { monitorRoutes } from './monitor-routes';
import { pluginRoutes } from './plugin-routes';
import { previewRoutes } from './preview-routes';
import { scheduleRoutes } from './schedule-routes';
import { schemaRoutes } from './schema-routes';
import { settingsRoutes } from './settings-routes';
import { stepPreviewRoutes } from './step-preview-routes';
import {
  ComponentKind,
  ConfigProblem,
  Example,
  Execution,
  FlowDiagram,
  Job,
  JobSummary,
  PluginDetail,
  PluginInfo,
  type StudioEvent,
} from './model';
import { route } from './route';

export type { RouteDef } from './route';

/**
 * StudioApi: every method declared once, with its input and output schema.
 * The HTTP routes (`/api/v1` + path), the IPC channel names, the server's validation,
 * the preload bridge and both clients are all derived from this table.
 *
 * HTTP mapping: `:name` path segments come from the input field of that name; the other
 * input fields travel in the query string for GET/DELETE and in a JSON body otherwise.
 */

const Id = T.Object({ id: T.String({ minLength: 1 }) });
const JobFields = {
  name: T.String({ minLength: 1, maxLength: 200 }),
  description: T.Optional(T.String({ maxLength: 2000 })),
  config_yaml: T.String({ minLength: 1 }),
  flow_diagram: T.Optional(T.Union([FlowDiagram, T.Null()])),
  draft: T.Optional(
    T.Boolean({
      description: 'Save even when the config is not valid yet: the job stays a draft until it is.',
    }),
  ),
};

export const routes = {
  listJobs: route({
    method: 'GET',
    path: '/jobs',
    input: T.Object({}),
    output: T.Array(JobSummary),
    summary: 'List jobs with their latest execution',
  }),
  getJob: route({ method: 'GET', path: '/jobs/:id', input: Id, output: Job, summary: 'Get one job' }),
  createJob: route({
    method: 'POST',
    path: '/jobs',
    input: T.Object(JobFields),
    output: Job,
    summary: 'Create a job from a YAML config',
  }),
  updateJob: route({
    method: 'PUT',
    path: '/jobs/:id',
    input: T.Object({
      id: T.String({ minLength: 1 }),
      name: T.Optional(JobFields.name),
      description: JobFields.description,
      config_yaml: T.Optional(JobFields.config_yaml),
      flow_diagram: JobFields.flow_diagram,
      draft: JobFields.draft,
    }),
    output: Job,
    summary: 'Change a job',
  }),
  deleteJob: route({
    method: 'DELETE',
    path: '/jobs/:id',
    input: Id,
    output: T.Object({ deleted: T.Boolean() }),
    summary: 'Delete a job and its history',
  }),
  startJob: route({
    method: 'POST',
    path: '/jobs/:id/start',
    input: Id,
    output: Execution,
    summary: 'Start a run of the job',
  }),
  stopJob: route({
    method: 'POST',
    path: '/jobs/:id/stop',
    input: Id,
    output: T.Object({ stopped: T.Boolean() }),
    summary: 'Cancel the job’s running execution',
  }),
  listExecutions: route({
    method: 'GET',
    path: '/executions',
    input: T.Object({
      job_id: T.Optional(T.String()),
      limit: T.Optional(T.Integer({ minimum: 1, maximum: 1000 })),
    }),
    output: T.Array(Execution),
    summary: 'List executions, newest first',
  }),
  getExecution: route({
    method: 'GET',
    path: '/executions/:id',
    input: Id,
    output: Execution,
    summary: 'Get one execution',
  }),
  listPlugins: route({
    method: 'GET',
    path: '/plugins',
    input: T.Object({}),
    output: T.Array(PluginInfo),
    summary: 'List components',
  }),
  getPlugin: route({
    method: 'GET',
    path: '/plugins/:kind/:name',
    input: T.Object({ kind: ComponentKind, name: T.String() }),
    output: PluginDetail,
    summary: 'A component with its JSON Schema',
  }),
  validateConfig: route({
    method: 'POST',
    path: '/configs/validate',
    input: T.Object({ config_yaml: T.String(), file_name: T.Optional(T.String()) }),
    output: T.Object({ valid: T.Boolean(), problems: T.Array(ConfigProblem) }),
    summary: 'Validate a pipeline config',
  }),
  listExamples: route({
    method: 'GET',
    path: '/examples',
    input: T.Object({}),
    output: T.Array(Example),
    summary: 'Example pipelines shipped with the studio',
  }),
  ...connectionRoutes,
  ...stepPreviewRoutes,
  ...diffRoutes,
  ...catalogRoutes,
  ...previewRoutes,
  ...pluginRoutes,
  ...schemaRoutes,
  ...inspectRoutes,
  ...lifecycleRoutes,
  ...scheduleRoutes,
  ...logRoutes,
  ...settingsRoutes,
  ...auditRoutes,
  ...alertRoutes,
  ...deadLetterRoutes,
  ...monitorRoutes,
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
export type RouteInput<N extends RouteName> = Static<Routes[N]['input']>;
export type RouteOutput<N extends RouteName> = Static<Routes[N]['output']>;

/** The API as the renderer sees it, whatever the transport. */
export type StudioApi = { [N in RouteName]: (input: RouteInput<N>) => Promise<RouteOutput<N>> };

export type EventListener = (event: StudioEvent) => void;

/** What a transport gives the renderer: the methods and the event stream. */
export interface StudioClient {
  api: StudioApi;
  /** Subscribe to pushed events; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
}

export const routeNames = Object.keys(routes) as RouteName[];

/** IPC channel of a method (Electron transport). */
export function ipcChannel(name: RouteName): string {
  return `studio:${name}`;
}

export const IPC_EVENT_CHANNEL = 'studio:event';
export const API_PREFIX = '/api/v1';
