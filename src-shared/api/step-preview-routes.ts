import { Type as T } from '@sinclair/typebox';
import { MAX_STEP_PREVIEW_LIMIT, StepPreviewResult } from './step-preview-model';
import { route } from './route';

/** Step preview: a pipeline's first input rows run through its processors, the rows after each step. */
export const stepPreviewRoutes = {
  previewSteps: route({
    method: 'POST',
    path: '/preview/steps',
    input: T.Object({
      /** A saved job: its config, or the base for `config_yaml` (relative paths resolve in its folder). */
      job_id: T.Optional(T.String({ minLength: 1 })),
      /** Pipeline YAML as the editor holds it (unsaved changes included); default the job's saved config. */
      config_yaml: T.Optional(T.String({ minLength: 1 })),
      /** Input rows to read (default 100). */
      limit: T.Optional(T.Integer({ minimum: 1, maximum: MAX_STEP_PREVIEW_LIMIT })),
    }),
    output: StepPreviewResult,
    summary:
      'Run the first rows of a pipeline’s input through its processors and show the rows after every step, writing nothing',
  }),
} as const;
