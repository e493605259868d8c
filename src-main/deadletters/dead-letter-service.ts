import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger as PinoLogger } from 'pino';
import type { StudioApi } from '../../src-shared/api/contract';
import type {
  DeadLetter,
  DeadLetterPlaceCount,
  DeadLetterReplay,
  DeadLetterReplayPlan,
  DeadLetterReplayRef,
} from '../../src-shared/api/dead-letter-model';
import { ApiError } from '../../src-shared/api/errors';
import type { Execution, Job } from '../../src-shared/api/model';
import { formatCount } from '../../src-shared/text/count';
import type { RunRequests } from '../jobs/run-requests';
import type { Database } from '../store/database';
import { createExecutionRepo } from '../store/execution-repo';
import { createJobRepo } from '../store/job-repo';
import { EditStore, editsFileOf, readEdits } from './dead-letter-edits';
import { deadLettersCsv, deadLettersJsonLines } from './dead-letter-export';
import {
  deadLetterDir,
  DeadLetterReader,
  executionWindow,
  locateDeadLetters,
  type StoredDeadLetter,
} from './dead-letter-file';
import {
  deriveReplayConfig,
  parseConfigText,
  replayConfigText,
  ReplayConfigError,
  replaySteps,
  withReplayInput,
  type ReplayStep,
} from './replay-config';
import { replayColumns, replayInputSection, replayLines, type ReplayRow } from './replay-input';
import { createReplayRepo } from './replay-repo';
import { rowEditProblem } from './row-edit-check';

/*
 * The dead letters of executions: listed with their edits and replays, edited in place (beside
 * the run's file, see `dead-letter-edits.ts`), exported, and replayed through the job service as
 * a run of a config derived from the job's, recorded in `dead_letter_replays`.
 */

export type DeadLetterApi = Pick<
  StudioApi,
  | 'listDeadLetters'
  | 'updateDeadLetter'
  | 'exportDeadLetters'
  | 'planDeadLetterReplay'
  | 'replayDeadLetters'
  | 'listDeadLetterReplays'
>;

export interface DeadLetterServiceOptions {
  db: Kysely<Database>;
  /** Jobs keep their files in `<dataDir>/jobs/<job id>/`, dead letters in its `dead-letter/`. */
  dataDir: string;
  /** The job service, which runs replays under the job's overlap policy and the app's limit. */
  runs: RunRequests;
  logger?: Pick<PinoLogger, 'info' | 'warn'>;
  now?: () => Date;
}

export interface DeadLetterService {
  api: DeadLetterApi;
}

const DEFAULT_LIMIT = 100;
/** Who replays: the studio has one local user (the server's API tokens do not name one to the services). */
const REPLAY_ACTOR = 'user';

/** Everything known about an execution's dead letters, edits applied. */
interface ExecutionLetters {
  execution: Execution;
  job: Job;
  file: string | null;
  stored: Map<number, StoredDeadLetter>;
  letters: DeadLetter[];
  editsFile: string;
}

const rowsText = (n: number) => `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;

export function createDeadLetterService(options: DeadLetterServiceOptions): DeadLetterService {
  const { dataDir, runs } = options;
  const now = options.now ?? (() => new Date());
  const executions = createExecutionRepo(options.db);
  const jobs = createJobRepo(options.db);
  const replays = createReplayRepo(options.db);
  const reader = new DeadLetterReader();
  const edits = new EditStore();

  const load = async (executionId: string): Promise<ExecutionLetters> => {
    const execution = await executions.get(executionId);
    if (!execution) throw new ApiError('not_found', `execution "${executionId}" not found`);
    const job = await jobs.get(execution.job_id);
    if (!job) throw new ApiError('not_found', `the job of execution "${executionId}" no longer exists`);
    const location = locateDeadLetters(dataDir, execution, job.config_yaml);
    const exists = await stat(location.file).then(
      () => true,
      () => false,
    );
    const { entries } = await reader.read(location, executionWindow(execution));
    const editsFile = editsFileOf(dataDir, job.id, execution.id);
    const edited = await readEdits(editsFile);
    const lastReplay = new Map<number, DeadLetterReplayRef>();
    // Newest first: the first replay met is an entry's last.
    for (const replay of await replays.ofSource(execution.id))
      for (const index of replay.indexes)
        if (!lastReplay.has(index))
          lastReplay.set(index, {
            replay_id: replay.id,
            execution_id: replay.execution_id,
            status: replay.status,
          });
    const stored = new Map(entries.map((entry) => [entry.index, entry]));
    const letters = entries.map((entry): DeadLetter => {
      const edit = edited.get(entry.index);
      return {
        index: entry.index,
        time: entry.time,
        place: entry.place,
        lane: entry.lane,
        error: entry.error,
        row: edit ? edit.row : entry.row,
        original_row: edit ? entry.row : null,
        edited_at: edit ? edit.at : null,
        replay: lastReplay.get(entry.index) ?? null,
      };
    });
    return { execution, job, file: exists ? location.file : null, stored, letters, editsFile };
  };

  /** The dead letters named by `indexes`, in that order; an index the execution lacks is an error. */
  const pick = (loaded: ExecutionLetters, indexes: number[]): DeadLetter[] => {
    const byIndex = new Map(loaded.letters.map((letter) => [letter.index, letter]));
    const unique = [...new Set(indexes)];
    const missing = unique.filter((index) => !byIndex.has(index));
    if (missing.length > 0)
      throw new ApiError(
        'bad_request',
        `execution "${loaded.execution.id}" has no dead letter ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      );
    return unique.map((index) => byIndex.get(index) as DeadLetter);
  };

  const matching = (letters: DeadLetter[], q: string | undefined, place: string | undefined) => {
    const needle = q?.trim().toLowerCase() ?? '';
    return letters.filter(
      (letter) =>
        (place === undefined || place === '' || letter.place === place) &&
        (needle === '' ||
          letter.error.toLowerCase().includes(needle) ||
          letter.place.toLowerCase().includes(needle) ||
          JSON.stringify(letter.row).toLowerCase().includes(needle)),
    );
  };

  /** The columns in order of first appearance, and each one's recorded type (the first recorded). */
  const columnsOf = (loaded: ExecutionLetters) => {
    const columns: string[] = [];
    const types: Record<string, string> = {};
    const seen = new Set<string>();
    for (const entry of loaded.stored.values()) {
      for (const name of Object.keys(entry.row))
        if (!seen.has(name)) {
          seen.add(name);
          columns.push(name);
        }
      for (const [name, type] of Object.entries(entry.types ?? {})) types[name] ??= type;
    }
    return { columns, types };
  };

  /** The config the rows' place is read in: the replay's own for a replay execution, else the job's. */
  const baseConfig = async (loaded: ExecutionLetters): Promise<{ yaml: string; notes: string[] }> => {
    const replay = await replays.byExecution(loaded.execution.id);
    if (replay) return { yaml: replay.config_yaml, notes: [] };
    const ranAt = Date.parse(loaded.execution.started_at ?? loaded.execution.created_at);
    const notes =
      Date.parse(loaded.job.updated_at) > ranAt
        ? [
            `the job's config was changed after this run (${loaded.job.updated_at}): the pipeline below is cut from today's config at the place the run named, so check it is the part the rows failed in`,
          ]
        : [];
    return { yaml: loaded.job.config_yaml, notes };
  };

  /** The replay's rows: one place only, each as it is now (edits applied). */
  const replayRows = (loaded: ExecutionLetters, indexes: number[]) => {
    const letters = pick(loaded, indexes);
    const places = new Map<string, number>();
    for (const letter of letters) places.set(letter.place, (places.get(letter.place) ?? 0) + 1);
    if (places.size > 1) {
      const counts = [...places].map(([place, n]) => `${place}: ${rowsText(n)}`).join(', ');
      throw new ApiError(
        'bad_request',
        `the selected rows failed at ${places.size} places (${counts}): a replay runs the pipeline from one place, so replay the rows of each place on their own`,
      );
    }
    const rows: ReplayRow[] = letters.map((letter) => {
      const types = loaded.stored.get(letter.index)?.types;
      return types ? { row: letter.row, types } : { row: letter.row };
    });
    return { letters, place: letters[0].place, rows };
  };

  /** `replay-<execution>-<n>.jsonl`, n one past the execution's replays so far. */
  const replayFileName = (executionId: string, n: number) => `replay-${executionId}-${n}.jsonl`;

  const derive = async (
    loaded: ExecutionLetters,
    place: string,
    count: number,
    input: Record<string, unknown>,
    inputFile: string,
  ): Promise<{ yaml: string; notes: string[]; steps: ReplayStep[] }> => {
    const base = await baseConfig(loaded);
    try {
      const replay = deriveReplayConfig(parseConfigText(base.yaml, "the job's config"), place, input);
      replay.notes.unshift(...base.notes);
      const header = [
        `Replay of ${formatCount(count)} dead ${count === 1 ? 'letter' : 'letters'} of execution ${loaded.execution.id}, rejected by ${place}.`,
        `input: the rows (edits applied) in ${inputFile}; then the job's pipeline from ${place} on.`,
      ];
      return {
        yaml: replayConfigText(replay, header),
        notes: replay.notes,
        steps: replaySteps(replay.config),
      };
    } catch (error) {
      if (error instanceof ReplayConfigError) throw new ApiError('bad_request', error.message);
      throw error;
    }
  };

  const api: DeadLetterApi = {
    async listDeadLetters({ execution_id, q, place, offset = 0, limit = DEFAULT_LIMIT }) {
      const loaded = await load(execution_id);
      const places = new Map<string, number>();
      for (const letter of loaded.letters) places.set(letter.place, (places.get(letter.place) ?? 0) + 1);
      const kept = matching(loaded.letters, q, place);
      const { columns, types } = columnsOf(loaded);
      return {
        execution_id,
        job_id: loaded.job.id,
        file: loaded.file,
        total: loaded.letters.length,
        matched: kept.length,
        places: [...places].map(([where, count]): DeadLetterPlaceCount => ({ place: where, count })),
        columns,
        types,
        offset,
        limit,
        entries: kept.slice(offset, offset + limit),
      };
    },

    async updateDeadLetter({ execution_id, index, row }) {
      const loaded = await load(execution_id);
      const entry = loaded.stored.get(index);
      if (!entry) throw new ApiError('not_found', `execution "${execution_id}" has no dead letter ${index}`);
      if (row !== null) {
        const problem = rowEditProblem(entry.row, row, entry.types);
        if (problem) throw new ApiError('bad_request', problem);
      }
      // An edit back to the row as written is no edit.
      const edit = row === null || isDeepStrictEqual(row, entry.row) ? null : row;
      await edits.set(loaded.editsFile, index, edit, now().toISOString());
      const updated = (await load(execution_id)).letters.find((letter) => letter.index === index);
      if (!updated)
        throw new ApiError('not_found', `execution "${execution_id}" has no dead letter ${index}`);
      return updated;
    },

    async exportDeadLetters({ execution_id, format, indexes, q, place }) {
      const loaded = await load(execution_id);
      const letters = indexes ? pick(loaded, indexes) : matching(loaded.letters, q, place);
      const base = `dead-letters-${loaded.job.name}-${execution_id.slice(0, 8)}`.replace(/[^\w.-]+/g, '_');
      return format === 'csv'
        ? {
            file_name: `${base}.csv`,
            media_type: 'text/csv',
            rows: letters.length,
            text: deadLettersCsv(letters, columnsOf(loaded).columns),
          }
        : {
            file_name: `${base}.jsonl`,
            media_type: 'application/x-ndjson',
            rows: letters.length,
            text: deadLettersJsonLines(letters),
          };
    },

    async planDeadLetterReplay({ execution_id, indexes }): Promise<DeadLetterReplayPlan> {
      const loaded = await load(execution_id);
      const { place, rows } = replayRows(loaded, indexes);
      const inputFile = `dead-letter/${replayFileName(execution_id, (await replays.countOfSource(execution_id)) + 1)}`;
      const input = replayInputSection(inputFile, replayColumns(rows));
      const derived = await derive(loaded, place, rows.length, input, inputFile);
      return {
        place,
        rows: rows.length,
        input_file: inputFile,
        config_yaml: derived.yaml,
        notes: derived.notes,
        steps: derived.steps,
      };
    },

    async replayDeadLetters({ execution_id, indexes, config_yaml }): Promise<DeadLetterReplay> {
      const loaded = await load(execution_id);
      const { letters, place, rows } = replayRows(loaded, indexes);
      const folder = deadLetterDir(dataDir, loaded.job.id);
      await mkdir(folder, { recursive: true });
      // Written before the run is asked for (the run reads it); a name taken by a replay at the same moment moves on.
      let n = (await replays.countOfSource(execution_id)) + 1;
      let name = replayFileName(execution_id, n);
      for (;;) {
        try {
          await writeFile(join(folder, name), replayLines(rows), { flag: 'wx' });
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          name = replayFileName(execution_id, ++n);
        }
      }
      const inputFile = `dead-letter/${name}`;
      const input = replayInputSection(inputFile, replayColumns(rows));
      let configYaml: string;
      let outcome;
      try {
        if (config_yaml === undefined)
          configYaml = (await derive(loaded, place, rows.length, input, inputFile)).yaml;
        else {
          try {
            configYaml = withReplayInput(config_yaml, input);
          } catch (error) {
            if (error instanceof ReplayConfigError) throw new ApiError('bad_request', error.message);
            throw error;
          }
        }
        outcome = await runs.requestRun(loaded.job.id, {
          trigger: 'replay',
          actor: REPLAY_ACTOR,
          detail: `replay of ${formatCount(rows.length)} dead ${rows.length === 1 ? 'letter' : 'letters'} from execution ${execution_id}`,
          config_yaml: configYaml,
          overlap: 'queue',
        });
      } catch (error) {
        await rm(join(folder, name), { force: true });
        throw error;
      }
      const id = randomUUID();
      await replays.insert({
        id,
        job_id: loaded.job.id,
        source_execution_id: execution_id,
        execution_id: outcome.outcome === 'skipped' ? null : outcome.execution.id,
        outcome: outcome.outcome,
        reason: outcome.outcome === 'skipped' ? outcome.reason : null,
        place,
        indexes: letters.map((letter) => letter.index),
        edited: letters.filter((letter) => letter.original_row !== null).length,
        input_file: inputFile,
        config_yaml: configYaml,
        actor: REPLAY_ACTOR,
        created_at: now().toISOString(),
      });
      options.logger?.info(
        {
          job_id: loaded.job.id,
          execution_id,
          replay_execution_id: outcome.outcome === 'skipped' ? null : outcome.execution.id,
          rows: rows.length,
          place,
          outcome: outcome.outcome,
        },
        'dead letters replayed',
      );
      const recorded = (await replays.ofSource(execution_id)).find((replay) => replay.id === id);
      if (!recorded) throw new ApiError('internal', 'the replay was not recorded');
      return recorded;
    },

    listDeadLetterReplays: async ({ execution_id }) => {
      if (!(await executions.get(execution_id)))
        throw new ApiError('not_found', `execution "${execution_id}" not found`);
      return replays.ofSource(execution_id);
    },
  };

  return { api };
}
