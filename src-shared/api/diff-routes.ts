import { Type as T } from '@sinclair/typebox';
import { DdlApplyResult, SchemaDiff } from './diff-model';
import { route } from './route';

/** The schema diff of a job: what it writes beside its target table, and the DDL that fits the table. */
export const diffRoutes = {
  diffJobSchema: route({
    method: 'GET',
    path: '/jobs/:job_id/schema-diff',
    input: T.Object({ job_id: T.String({ minLength: 1 }) }),
    output: SchemaDiff,
    summary:
      'Compare the columns the job writes (after its processors) with its target table, with the DDL that creates or fits it',
  }),
  applyJobDdl: route({
    method: 'POST',
    path: '/jobs/:job_id/schema-diff/apply',
    input: T.Object({
      job_id: T.String({ minLength: 1 }),
      /** Exactly the statements the diff showed; refused when the diff now generates others. */
      statements: T.Array(T.String({ minLength: 1 }), { minItems: 1 }),
    }),
    output: DdlApplyResult,
    summary: 'Run the DDL the schema diff generated on the job’s target database, once the user confirmed it',
  }),
} as const;
