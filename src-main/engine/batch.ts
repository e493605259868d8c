import type { Column } from '../../src-shared/types/logical';

export type { Column };

/** A row: values in the order of its batch's columns (as DataX records are), not an object. */
export type Row = unknown[];

/** A position in the source from which a resumed run can continue; JSON-serialisable. */
export type Checkpoint = Record<string, unknown>;

/**
 * Where a resumed run starts: the lane count of the run it continues (a resumed run reads the same
 * lanes) and the last position each lane committed. A position with `done: true` finished its lane.
 */
export interface ResumePoint {
  lanes: number;
  /** By lane; undefined where the lane committed nothing. */
  positions: (Checkpoint | undefined)[];
}

/** Whether a lane's position says the lane read and wrote everything it had. */
export function laneDone(position: Checkpoint | undefined): boolean {
  return position?.done === true;
}

/**
 * The unit handed between stages. Inputs reuse one `columns` array for as long as the
 * shape holds, so processors can compile against it once (see `Processor.bind`).
 */
export interface Batch {
  columns: Column[];
  rows: Row[];
  /** Set by the input: where to resume once this batch (and all before it in its lane) is written. */
  checkpoint?: Checkpoint;
  /** Approximate size read from the source, for run statistics. */
  bytes?: number;
  /**
   * Set by an input that reads several streams (the tables of a whole-database copy): the name of
   * the stream these rows belong to, one of the names `Input.streams` gave. Processors keep it;
   * the output routes the rows by it. Absent for an input that reads one stream.
   */
  table?: string;
}
