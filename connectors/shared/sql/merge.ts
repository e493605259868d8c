import { randomBytes } from 'node:crypto';
import { formatCount } from '../../../src-shared/text/count';

/*
 * write.mode merge: a run stages every row in a table of its own beside the target and, when the
 * run succeeds, merges them into the target in one transaction, so the target changes all at once
 * or not at all. What the SQL writers share: the staging table's name, how the leftovers of
 * killed runs are recognised, and what the run says when it discards what it staged.
 */

/** Between the target's name and the staging table's own part: `orders__fustgo_stage_0sqk3j2_9f3c1b`. */
export const STAGING_MARKER = '__fustgo_stage_';

/**
 * A column of the staging table numbering the rows as they were staged (PostgreSQL, MySQL; SQLite
 * has its rowid): the merge keeps the last staged row of each key.
 */
export const STAGING_ORDER_COLUMN = '__fustgo_order';

/**
 * A staging table older than this was left by a run that was killed (a finished run drops its
 * own): the next merge run into the same table drops it. A merge run staging for longer than this
 * would lose its staging table to another merge run into the same table started meanwhile.
 */
export const LEFTOVER_AGE_MS = 24 * 60 * 60 * 1000;

/** PostgreSQL cuts identifiers at 63 bytes (MySQL refuses more than 64 characters): the suffix must survive. */
const MAX_NAME_BYTES = 63;
/** Seconds since 1970 in base 36 take 7 digits until the year 4453. */
const TIME_DIGITS = 7;
const RANDOM_DIGITS = 6;
const SUFFIX_LENGTH = STAGING_MARKER.length + TIME_DIGITS + 1 + RANDOM_DIGITS;
const STAGING_NAME = new RegExp(
  `^(.*)${STAGING_MARKER}([0-9a-z]{${TIME_DIGITS}})_[0-9a-f]{${RANDOM_DIGITS}}$`,
  's',
);

/** The target's name as it starts its staging tables' names: cut (at a character) to leave room for the suffix. */
function stagingBase(table: string): string {
  let base = table;
  while (Buffer.byteLength(base) > MAX_NAME_BYTES - SUFFIX_LENGTH) base = [...base].slice(0, -1).join('');
  return base;
}

/**
 * The name of a new staging table for `table` (unqualified: it lives in the target's schema or
 * database): the target's name, the marker, the creation time, and a random part so that runs
 * never share one.
 */
export function stagingTableName(
  table: string,
  now = new Date(),
  random = randomBytes(RANDOM_DIGITS / 2).toString('hex'),
): string {
  const time = Math.floor(now.getTime() / 1000)
    .toString(36)
    .padStart(TIME_DIGITS, '0');
  return `${stagingBase(table)}${STAGING_MARKER}${time}_${random}`;
}

/**
 * When `name` is a staging table of `table`: when it was created (from its name, as no database
 * here records it in its catalog). `ignoreCase` for databases whose table names are (MySQL on
 * some systems, SQLite).
 */
export function stagingCreatedAt(name: string, table: string, ignoreCase = false): Date | undefined {
  const match = STAGING_NAME.exec(name);
  if (!match) return undefined;
  const base = stagingBase(table);
  const same = ignoreCase ? match[1].toLowerCase() === base.toLowerCase() : match[1] === base;
  return same ? new Date(parseInt(match[2], 36) * 1000) : undefined;
}

/** True when `name` is a staging table of `table` older than `LEFTOVER_AGE_MS`: a killed run's. */
export function isLeftoverStaging(
  name: string,
  table: string,
  now = new Date(),
  ignoreCase = false,
): boolean {
  const created = stagingCreatedAt(name, table, ignoreCase);
  return created !== undefined && now.getTime() - created.getTime() > LEFTOVER_AGE_MS;
}

/**
 * A row's error from the staging table, naming the target instead: the staging table has the
 * target's column types and constraints, and the user knows only the target.
 */
export function asTargetMessage(message: string, staging: string, table: string): string {
  return message.replaceAll(staging, table);
}

/** What a merge run says when it ends without merging. `where` names the table: `"orders" in PostgreSQL database "shop"`. */
export function discardedNote(where: string, staged: number): string {
  return `merge: nothing was written to table ${where}; ${formatCount(staged)} staged rows were discarded`;
}

/** The database's side of the end of a merge run. */
export interface StagingSteps {
  /** The staging table, as notes name it. */
  name: string;
  /** Rows staged so far. */
  rows: number;
  /** The one transaction that upserts the staged rows into the target; throws with the database's message. */
  merge(): Promise<void>;
  /** Drops the staging table if it exists. */
  drop(): Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The end of a successful merge run: merges, then drops the staging table (after the merge has
 * committed, so a merge redone after a connection lost during its COMMIT finds the rows again).
 * A failed merge drops it too and throws, saying nothing was written. Resolves with a note when
 * the staging table outlived the merge.
 */
export async function mergeStaged(steps: StagingSteps, where: string): Promise<string | undefined> {
  try {
    await steps.merge();
  } catch (error) {
    await steps.drop().catch(() => undefined);
    throw new Error(`${discardedNote(where, steps.rows)}: the merge failed: ${messageOf(error)}`, {
      cause: error,
    });
  }
  try {
    await steps.drop();
  } catch (error) {
    return `merge: the rows were merged into table ${where}, but the staging table "${steps.name}" could not be dropped (${messageOf(error)}); drop it, or the first merge run into the table a day from now will`;
  }
}

/** The end of a failed merge run: drops the staging table and says nothing was written. */
export async function discardStaged(steps: StagingSteps | undefined, where: string): Promise<string> {
  const note = discardedNote(where, steps?.rows ?? 0);
  try {
    await steps?.drop();
  } catch (error) {
    return `${note}; the staging table "${steps?.name}" could not be dropped (${messageOf(error)}): drop it, or the first merge run into the table a day from now will`;
  }
  return note;
}
