import { Type as T } from '@sinclair/typebox';
import {
  DeadLetter,
  DeadLetterExport,
  DeadLetterExportFormat,
  DeadLetterPage,
  DeadLetterReplay,
  DeadLetterReplayPlan,
  DeadLetterRow,
} from './dead-letter-model';
import { route } from './route';

const ExecutionId = T.String({ minLength: 1 });
const Indexes = T.Array(T.Integer({ minimum: 0 }), { minItems: 1, maxItems: 100_000 });
/** Which dead letters an export or a listing keeps: text anywhere in the error, place or row, and one place. */
const Filter = {
  q: T.Optional(T.String({ maxLength: 500 })),
  place: T.Optional(T.String({ maxLength: 500 })),
};

/** Dead letters of an execution: list, edit in place, export, replay through the pipeline. */
export const deadLetterRoutes = {
  listDeadLetters: route({
    method: 'GET',
    path: '/executions/:execution_id/dead-letters',
    input: T.Object({
      execution_id: ExecutionId,
      ...Filter,
      offset: T.Optional(T.Integer({ minimum: 0 })),
      limit: T.Optional(T.Integer({ minimum: 1, maximum: 1000 })),
    }),
    output: DeadLetterPage,
    summary: 'The rows an execution could not deliver, with the place and error of each, filtered and paged',
  }),
  updateDeadLetter: route({
    method: 'PUT',
    path: '/executions/:execution_id/dead-letters',
    input: T.Object({
      execution_id: ExecutionId,
      index: T.Integer({ minimum: 0 }),
      /** The row with the same columns; null puts back the row as the run wrote it. */
      row: T.Union([DeadLetterRow, T.Null()]),
    }),
    output: DeadLetter,
    summary:
      'Edit one dead-lettered row (kept beside the file the run wrote, which stays as it was); null reverts it',
  }),
  exportDeadLetters: route({
    method: 'POST',
    path: '/executions/:execution_id/dead-letters/export',
    input: T.Object({
      execution_id: ExecutionId,
      format: DeadLetterExportFormat,
      /** The rows to export; without them, every row the filter keeps. */
      indexes: T.Optional(Indexes),
      ...Filter,
    }),
    output: DeadLetterExport,
    summary: 'Dead letters as CSV (row columns, then place, error, time) or JSON Lines, edits applied',
  }),
  planDeadLetterReplay: route({
    method: 'POST',
    path: '/executions/:execution_id/dead-letters/replay-plan',
    input: T.Object({ execution_id: ExecutionId, indexes: Indexes }),
    output: DeadLetterReplayPlan,
    summary: 'The config a replay of these dead letters would run (they must share one place)',
  }),
  replayDeadLetters: route({
    method: 'POST',
    path: '/executions/:execution_id/dead-letters/replay',
    input: T.Object({
      execution_id: ExecutionId,
      indexes: Indexes,
      /** The plan's config as the user fixed it; its input is set to the rows. Default: the plan's config. */
      config_yaml: T.Optional(T.String({ minLength: 1 })),
    }),
    output: DeadLetterReplay,
    summary:
      'Run the selected (edited) dead letters through the pipeline from the place they failed, recorded',
  }),
  listDeadLetterReplays: route({
    method: 'GET',
    path: '/executions/:execution_id/dead-letter-replays',
    input: T.Object({ execution_id: ExecutionId }),
    output: T.Array(DeadLetterReplay),
    summary: 'Replays of an execution’s dead letters, newest first, with each replay execution’s status',
  }),
} as const;
