import { incrementalColumnOf } from '../config/plan';
import type { LoadedConfig } from '../config';
import { openStore } from '../store/open-store';
import { WatermarkRepo } from '../store/watermark-repo';

/** A run's incremental watermark: what the last completed run stored, and how to store the next. */
export interface RunWatermark {
  /** The watermark to start from (undefined: read from the start). */
  previous?: string;
  /** A note for the run's output when the stored watermark was not used. */
  note?: string;
  /** Stores the run's new watermark; returns the note to print. */
  save(value: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Opens the job's watermark in the data dir's metadata store, when the input is incremental
 * (other runs never open the store). `full` ignores the stored watermark for this run.
 */
export async function openRunWatermark(
  loaded: LoadedConfig,
  jobName: string,
  dataDir: string,
  full: boolean,
): Promise<RunWatermark | undefined> {
  const column = incrementalColumnOf(loaded);
  if (column === undefined) return undefined;
  const store = await openStore({ dataDir });
  const repo = new WatermarkRepo(store.db);
  try {
    const stored = await repo.get(jobName);
    let previous: string | undefined;
    let note: string | undefined;
    if (stored && full) note = `--full: the stored watermark ${stored.column} > ${stored.value} was not used`;
    else if (stored && stored.column !== column)
      note = `the stored watermark was taken on ${stored.column}, not ${column}: reading from the start`;
    else previous = stored?.value;
    return {
      previous,
      note,
      save: async (value) => {
        await repo.set(jobName, column, value);
        return `watermark ${column} = ${value} stored for job "${jobName}": the next run reads rows past it`;
      },
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
