import type { LogicalType } from '../../src-shared/types/logical';
import { parseText, toJsonSafe, toText } from '../shared/values';

/*
 * What the enrichment processor asks of a lookup source (a SQL table, an HTTP API, a static
 * table), and the value conversions the sources share.
 */

/** A field the enrichment adds to each row. */
export interface LookupField {
  /** The added field's name. */
  name: string;
  /** What it is read from: a column of the lookup table, or a path into an HTTP response's record. */
  from: string;
  /** The type given in the config, if any. */
  declared?: LogicalType;
  /** Where it is configured, for errors (`fields.customer_name`). */
  path: string;
}

/**
 * The answer for one key: the added fields' values (in `fields` order), `null` when nothing
 * matched, or the error that kept this key from being looked up (a request that failed after
 * its retries): the rows with that key are rejected with it.
 */
export type Answer = unknown[] | null | Error;

/** A place to look keys up in. */
export interface LookupSource {
  /** What is looked up, for messages: `table "customers" in PostgreSQL at 127.0.0.1:5432 database "shop"`. */
  readonly description: string;
  /** The added fields' types, as far as known (before `open`: as declared, else text). */
  types(): LogicalType[];
  /** Connects and learns the types; called once before the first `fetch`. */
  open(): Promise<void>;
  /**
   * Looks up distinct keys: `keys` maps each key's match text (`matchKey`) to its values in key
   * order; the result has an answer for each. Throws when the lookup as a whole fails (the
   * database is down): the run stops.
   */
  fetch(keys: Map<string, unknown[]>, signal: AbortSignal): Promise<Map<string, Answer>>;
  close(): Promise<void>;
}

/**
 * A value read from JSON or YAML (an HTTP response, inline rows, a CSV field) as a value of
 * `type`; throws an Error naming what was expected when it does not fit.
 */
export function convertValue(value: unknown, type: LogicalType): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return type === 'string' ? value : parseText(value, type);
  switch (type) {
    case 'string':
      return toText(value);
    case 'json':
      return value;
    case 'int':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      break;
    case 'bigint':
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)))
        return value;
      break;
    case 'float':
      if (typeof value === 'number') return value;
      break;
    case 'decimal':
      if (typeof value === 'number' || typeof value === 'bigint') return String(value);
      break;
    case 'bool':
      if (typeof value === 'boolean') return value;
      break;
    case 'timestamp':
    case 'timestamptz':
      if (value instanceof Date) return value;
      break;
    default:
      break;
  }
  throw new Error(`expected ${type}, got ${JSON.stringify(toJsonSafe(value))}`);
}

/** The type that holds every value of a column of inline rows: int, float, bool, text, or json for objects. */
export function inferType(values: unknown[]): LogicalType {
  const kinds = new Set<string>();
  for (const value of values) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'number') kinds.add(Number.isSafeInteger(value) ? 'int' : 'float');
    else if (typeof value === 'boolean') kinds.add('bool');
    else if (value instanceof Date) kinds.add('timestamptz');
    else if (typeof value === 'object') kinds.add('json');
    else kinds.add('string');
  }
  if (kinds.size === 0) return 'string';
  if (kinds.size === 1) return [...kinds][0] as LogicalType;
  if ([...kinds].every((k) => k === 'int' || k === 'float')) return 'float';
  return 'string';
}

/** One step of a path into JSON: a property or an array index. */
export type PathStep = string | number;

const STEP = /\.?([^.[\]]+)|\[(\d+)\]/y;

/** Parses `data.items[0].name` (an optional leading `$.`); throws for a malformed path. */
export function parseJsonPath(text: string): PathStep[] {
  const source = text.replace(/^\$\.?/, '');
  const steps: PathStep[] = [];
  let index = 0;
  while (index < source.length) {
    STEP.lastIndex = index;
    const match = STEP.exec(source);
    if (!match) throw new Error(`"${text}" is not a path such as data.items[0].name`);
    steps.push(match[1] !== undefined ? match[1] : Number(match[2]));
    index = STEP.lastIndex;
  }
  return steps;
}

/** The value at `steps` inside `value`, or undefined when any step is missing. */
export function walkJson(value: unknown, steps: PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}
