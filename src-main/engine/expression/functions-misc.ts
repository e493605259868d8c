import { createHash, randomUUID } from 'node:crypto';
import type { Row } from '../batch';
import { equality } from './compare';
import {
  argumentError,
  fixed,
  prepared,
  strict,
  unifiedEvaluators,
  unifyTypes,
  type Call,
  type SqlFunction,
} from './function-kit';
import { failure, isTrueOf, type Evaluate, type Node } from './node';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once (see node.ts).
const { isNull, jsonSafe, toText } = valuesModule;

/** NULL handling, conditionals, JSON paths, hashing and UUIDs. */

function coalesce(args: Node[]): Evaluate {
  const evaluators = unifiedEvaluators(args, unifyTypes(args.map((a) => a.type)));
  return (row) => {
    for (const evaluate of evaluators) {
      const value = evaluate(row);
      if (!isNull(value)) return value;
    }
    return null;
  };
}

const unified: SqlFunction['type'] = (args) => unifyTypes(args.map((a) => a.type));

/** One step of a JSON path: an object key or an array index. */
export type PathStep = string | number;

const PATH_STEP = /^(?:\.([A-Za-z_$][\w$]*)|\."((?:[^"\\]|\\.)*)"|\[\s*(\d+)\s*\]|\[\s*(['"])(.*?)\4\s*\])/;

/**
 * Reads a JSON path (MySQL's form: `$.a.b[0]`, `$."odd key"`, `$['key']`). Wildcards are not
 * supported: an expression gives one value per row.
 */
export function parseJsonPath(path: string): PathStep[] {
  const text = path.trim();
  if (!text.startsWith('$'))
    throw new Error(`JSON path '${path}' must start with $ (e.g. '$.customer.name')`);
  const steps: PathStep[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const match = PATH_STEP.exec(rest);
    if (!match) throw new Error(`JSON path '${path}': cannot read '${rest}' (use .key, ."key" or [index])`);
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(match[2].replace(/\\(.)/g, '$1'));
    else if (match[3] !== undefined) steps.push(Number(match[3]));
    else steps.push(match[5]);
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/** The value at `steps` inside a parsed JSON value, or undefined when it is not there. */
export function walkJson(value: unknown, steps: PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

/**
 * An evaluator giving the node's value as parsed JSON: JSON columns are parsed already, text is
 * parsed (the last text is remembered), invalid JSON text is an error naming the node.
 */
export function jsonOf(node: Node): (row: Row) => unknown {
  const evaluate = node.evaluate;
  if (node.type === 'json') return evaluate;
  let lastText: string | undefined;
  let lastValue: unknown;
  return (row) => {
    const value = evaluate(row);
    if (isNull(value)) return null;
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) return value;
    const text = toText(value);
    if (text !== lastText) {
      try {
        lastValue = JSON.parse(text) as unknown;
      } catch {
        // A JSON-typed unknown value that is plain text is a JSON string.
        if (node.type === 'unknown') lastValue = text;
        else throw failure(node, `${node.label}: ${JSON.stringify(text.slice(0, 40))} is not valid JSON`);
      }
      lastText = text;
    }
    return lastValue;
  };
}

/** JSON `null` and missing paths are SQL NULL. */
const sqlValue = (value: unknown): unknown => (value === undefined ? null : value);

/** The text `->>` gives for a JSON value: strings as they are, everything else as JSON. */
export function jsonText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value, jsonSafe);
}

/**
 * Compiles `json -> path` / `json ->> path` and JSON_EXTRACT: the path is `$…` (MySQL), or a
 * plain key or array index (PostgreSQL's `data -> 'key'`, `data -> 0`).
 */
export function jsonPath(json: Node, path: Node, call: Call, asText: boolean): Evaluate {
  const readJson = jsonOf(json);
  const steps = prepared(
    path,
    (text) => {
      if (typeof path.constant?.value === 'number' || (path.type === 'int' && /^\d+$/.test(text)))
        return [Number(text)];
      if (!text.trim().startsWith('$')) return [text];
      try {
        return parseJsonPath(text);
      } catch (err) {
        throw failure(path, `${call.name}: ${(err as Error).message}`);
      }
    },
    (err) => argumentError(call, [json, path], 1, err.message.replace(`${call.name}: `, '')),
  );
  return strict([readJson, steps], (value: unknown, at: PathStep[]) => {
    const found = walkJson(value, at);
    return asText ? jsonText(found) : sqlValue(found);
  });
}

function hash(algorithm: string, summary: string, example: SqlFunction['example']): SqlFunction {
  return {
    args: ['any'],
    summary,
    example,
    type: fixed('string'),
    compile([value]) {
      const read = value.evaluate;
      return (row) => {
        const v = read(row);
        if (isNull(v)) return null;
        const input = v instanceof Uint8Array ? v : toText(v);
        return createHash(algorithm).update(input).digest('hex');
      };
    },
  };
}

export const MISC_FUNCTIONS: Record<string, SqlFunction> = {
  COALESCE: {
    takesNulls: true,
    args: ['any'],
    variadic: true,
    summary: 'The first argument that is not NULL.',
    example: ["COALESCE(NULL, NULL, 'fallback')", "'fallback'"],
    type: unified,
    compile: coalesce,
  },
  IFNULL: {
    takesNulls: true,
    args: ['any', 'any'],
    summary: 'The first argument, or the second when the first is NULL.',
    example: ["IFNULL(NULL, 'none')", "'none'"],
    type: unified,
    compile: coalesce,
  },
  NULLIF: {
    takesNulls: true,
    args: ['any', 'any'],
    summary: 'NULL when both arguments are equal, otherwise the first.',
    example: ["NULLIF('', '')", 'NULL'],
    type: ([a]) => a.type,
    compile([a, b]) {
      const equal = equality(a, b);
      const readA = a.evaluate;
      const readB = b.evaluate;
      return (row) => {
        const x = readA(row);
        const y = readB(row);
        return isNull(x) || equal(x, y) ? null : x;
      };
    },
  },
  IF: {
    takesNulls: true,
    args: ['any', 'any', 'any'],
    summary: 'The second argument when the condition is TRUE, else the third: IF(condition, then, else).',
    example: ["IF(2 > 1, 'yes', 'no')", "'yes'"],
    type: ([, a, b]) => unifyTypes([a.type, b.type]),
    compile([condition, a, b]) {
      const test = isTrueOf(condition);
      const [then, otherwise] = unifiedEvaluators([a, b], unifyTypes([a.type, b.type]));
      return (row) => (test(row) ? then(row) : otherwise(row));
    },
  },
  JSON_EXTRACT: {
    args: ['json', 'text'],
    summary:
      "The value at a path inside JSON (NULL when absent): JSON_EXTRACT(json, '$.a.b[0]'); also `json -> '$.a'`; `json ->> '$.a'` gives text.",
    example: ['JSON_EXTRACT(\'{"a": {"b": [10, 20]}}\', \'$.a.b[1]\')', '20'],
    type: fixed('json'),
    compile: ([json, path], call) => jsonPath(json, path, call, false),
  },
  JSON_UNQUOTE: {
    args: ['any'],
    summary: 'A JSON value as plain text: strings without their quotes.',
    example: ['JSON_UNQUOTE(\'"abc"\')', "'abc'"],
    type: fixed('string'),
    compile([value]) {
      const read = jsonOf({ ...value, type: value.type === 'json' ? 'json' : 'unknown' });
      return (row) => jsonText(read(row));
    },
  },
  MD5: hash('md5', 'MD5 digest of the text (UTF-8) or bytes, as 32 hex digits.', [
    "MD5('abc')",
    "'900150983cd24fb0d6963f7d28e17f72'",
  ]),
  SHA1: hash('sha1', 'SHA-1 digest as 40 hex digits.', [
    "SHA1('abc')",
    "'a9993e364706816aba3e25717850c26c9cd0d89d'",
  ]),
  SHA256: hash('sha256', 'SHA-256 digest as 64 hex digits.', [
    "SHA256('abc')",
    "'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'",
  ]),
  SHA512: hash('sha512', 'SHA-512 digest as 128 hex digits.', ["LENGTH(SHA512('abc'))", '128']),
  UUID: {
    args: [],
    summary: 'A new random UUID (version 4) for every row.',
    example: ['LENGTH(UUID())', '36'],
    pure: false,
    type: fixed('uuid'),
    compile: () => () => randomUUID(),
  },
  GEN_RANDOM_UUID: {
    args: [],
    summary: "PostgreSQL's name for UUID().",
    example: ['GEN_RANDOM_UUID() <> GEN_RANDOM_UUID()', 'TRUE'],
    pure: false,
    type: fixed('uuid'),
    compile: () => () => randomUUID(),
  },
};
