import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import {
  DEFAULT_STEP_PREVIEW_LIMIT,
  type StepColumn,
  type StepPreviewResult,
  type StepResult,
} from '../../src-shared/api/step-preview-model';
import { loadAndValidateText, type ConnectionResolver } from '../config';
import type { Column, Row } from '../engine/batch';
import type { Registry } from '../engine/registry';
import { EXAMPLES_ENV } from '../jobs/config-check';
import type { Database } from '../store/database';
import { createJobRepo } from '../store/job-repo';
import { invalidConfig } from './job-preview';
import { previewValue, type ValueNotes } from './preview-values';
import { previewSteps, type StepPreview } from './step-preview';

export type StepPreviewApi = Pick<StudioApi, 'previewSteps'>;

export interface StepPreviewServiceOptions {
  db: Kysely<Database>;
  registry: Registry;
  /** Saved connections for `connection: { ref }`. */
  connections: ConnectionResolver;
  /** Job folders are `<dataDir>/jobs/<id>`; a config without a job resolves relative paths here. */
  dataDir: string;
  /** Example pipelines' folder, for `${FUSTGO_EXAMPLES}` as job runs see it. */
  examplesDir: string;
}

function stepColumns(columns: Column[]): StepColumn[] {
  return columns.map((c) => ({
    name: c.name,
    type: c.type,
    ...(c.nativeType !== undefined ? { native_type: c.nativeType } : {}),
  }));
}

/** A step preview as the API sends it: every value JSON-safe as a data preview's. */
export function stepPreviewResult(preview: StepPreview, limit: number): StepPreviewResult {
  const notes: ValueNotes = { shortened: 0 };
  const safe = (row: Row) => row.map((value) => previewValue(value, notes));
  const { input } = preview;
  return {
    input: {
      type: input.type,
      columns: stepColumns(input.columns),
      rows: input.rows.map(safe),
      has_more: input.more,
      duration_ms: input.durationMs,
      ...(input.error !== undefined ? { error: input.error } : {}),
      notes: input.notes,
    },
    steps: preview.steps.map((step): StepResult => ({
      path: step.path,
      type: step.type,
      on_error: step.onError,
      columns: stepColumns(step.columns),
      rows: step.rows.map(safe),
      rows_in: step.rowsIn,
      rows_out: step.rowsOut,
      dropped: step.dropped,
      rejected: step.rejected.map(({ row, error }) => ({ row: safe(row), error })),
      duration_ms: step.durationMs,
      ...(step.error !== undefined ? { error: step.error } : {}),
      ...(step.skipped ? { skipped: true } : {}),
      ...(step.note !== undefined ? { note: step.note } : {}),
    })),
    limit,
  };
}

/** The StudioApi's step preview: a job's saved config or the editor's YAML, run step by step over its first rows. */
export function createStepPreviewService(options: StepPreviewServiceOptions): { api: StepPreviewApi } {
  const jobs = createJobRepo(options.db);
  const api: StepPreviewApi = {
    async previewSteps({ job_id, config_yaml, limit }) {
      const job = job_id === undefined ? undefined : await jobs.get(job_id);
      if (job_id !== undefined && !job) throw new ApiError('not_found', `job "${job_id}" not found`);
      const yaml = config_yaml ?? job?.config_yaml;
      if (yaml === undefined) throw new ApiError('bad_request', 'give job_id, config_yaml or both');
      const name = job?.name ?? 'pipeline';
      const checked = await loadAndValidateText(
        yaml,
        `${name}.yaml`,
        job ? join(options.dataDir, 'jobs', job.id) : options.dataDir,
        options.registry,
        {
          env: { ...process.env, [EXAMPLES_ENV]: options.examplesDir },
          connections: options.connections,
        },
      );
      if (!checked.ok) throw invalidConfig(name, checked.problems);
      const rows = limit ?? DEFAULT_STEP_PREVIEW_LIMIT;
      return stepPreviewResult(await previewSteps(checked.loaded, options.registry, { limit: rows }), rows);
    },
  };
  return { api };
}
