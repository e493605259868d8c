import * as decimalModule from './decimal';
import { ExpressionError } from './expression-error';
import { failure, folded, isNumeric, isTemporal, type Node, type ValueType } from './node';
import type { CastType } from './parse';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once (see node.ts).
const { dateText, describeValue, isNull, parseBool, timestampText, toDate, toNumber, toText } = valuesModule;
const decimal = { ...decimalModule };

/**
 * CAST(x AS type), in MySQL's and PostgreSQL's spellings. A value that does not convert
 * (`CAST('abc' AS INT)`, `CAST('2024-02-30' AS DATE)`) is an error for that row, as in
 * PostgreSQL; a literal that does not convert is an error when compiling.
 */

type Convert = (value: unknown) => unknown;

interface Target {
  type: Exclude<ValueType, 'unknown'>;
  /** Builds the conversion for the written parameters (DECIMAL(p, s), VARCHAR(n)); throws a message on bad ones. */
  make(params: number[], fail: (value: unknown, why?: string) => Error): Convert;
}

const INT32 = 2 ** 31;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Reads a value as an integer, rounding a fraction half away from zero (2.5 → 3, as NUMERIC → INT does). */
function toInteger(value: unknown): number | bigint | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const rounded = value < 0 ? -Math.round(-value) : Math.round(value);
    return Number.isSafeInteger(rounded) ? rounded + 0 : BigInt(rounded);
  }
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && decimal.readText(value)) {
    decimal.round(decimal.result.unscaled, decimal.result.scale, 0);
    return decimal.result.unscaled;
  }
  return undefined;
}

function integerTarget(min: bigint, max: bigint, name: string): Target['make'] {
  return (_params, fail) => (value) => {
    const n = toInteger(value);
    if (n === undefined) throw fail(value);
    if (n < min || n > max) throw fail(value, `out of range for ${name}`);
    return n;
  };
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?$/;

const TARGETS: Record<string, Target> = {};
function target(names: string[], definition: Target): void {
  for (const name of names) TARGETS[name] = definition;
}

target(['INT', 'INTEGER', 'INT4', 'SMALLINT', 'INT2', 'TINYINT', 'MEDIUMINT'], {
  type: 'int',
  make: integerTarget(BigInt(-INT32), BigInt(INT32 - 1), 'INT'),
});
target(['BIGINT', 'INT8', 'SIGNED', 'SIGNED INTEGER'], {
  type: 'bigint',
  make: integerTarget(INT64_MIN, INT64_MAX, 'BIGINT'),
});
target(['UNSIGNED', 'UNSIGNED INTEGER'], {
  type: 'bigint',
  make: integerTarget(0n, 2n ** 64n - 1n, 'UNSIGNED'),
});
target(['DECIMAL', 'NUMERIC', 'DEC', 'FIXED'], {
  type: 'decimal',
  make([precision, scale = 0], fail) {
    if (precision !== undefined && (precision < 1 || precision > 1000 || scale < 0 || scale > precision)) {
      throw new Error(`DECIMAL(${precision}, ${scale}): precision must be 1–1000 and scale 0–precision`);
    }
    return (value) => {
      if (!decimal.readValue(value)) throw fail(value);
      if (precision === undefined) return decimal.format(decimal.result.unscaled, decimal.result.scale);
      decimal.round(decimal.result.unscaled, decimal.result.scale, scale);
      const { unscaled, scale: rounded } = decimal.result;
      if (decimal.integerDigits(unscaled, rounded) > precision - scale)
        throw fail(value, `out of range for DECIMAL(${precision}, ${scale})`);
      return decimal.format(unscaled, rounded);
    };
  },
});
target(['FLOAT', 'FLOAT4', 'FLOAT8', 'DOUBLE', 'DOUBLE PRECISION', 'REAL'], {
  type: 'float',
  make: (_params, fail) => (value) => {
    const n = toNumber(value);
    if (n === undefined) throw fail(value);
    return n;
  },
});
target(
  ['TEXT', 'VARCHAR', 'CHAR', 'CHARACTER', 'CHARACTER VARYING', 'STRING', 'NCHAR', 'NVARCHAR', 'LONGTEXT'],
  {
    type: 'string',
    make([length]) {
      if (length === undefined) return toText;
      // VARCHAR(n) and CHAR(n) cut to n characters (code points), as an explicit cast does.
      return (value) => {
        const text = toText(value);
        return text.length <= length ? text : Array.from(text).slice(0, length).join('');
      };
    },
  },
);
target(['BOOL', 'BOOLEAN'], {
  type: 'bool',
  make: (_params, fail) => (value) => {
    const b = parseBool(value);
    if (b === undefined) throw fail(value);
    return b;
  },
});
target(['DATE'], {
  type: 'date',
  make: (_params, fail) => (value) => {
    const date = toDate(value);
    if (!date) throw fail(value);
    return dateText(date);
  },
});
const toInstant: Target['make'] = (_params, fail) => (value) => {
  const date = toDate(value);
  if (!date) throw fail(value);
  return date;
};
target(['TIMESTAMP', 'DATETIME', 'TIMESTAMP WITHOUT TIME ZONE'], { type: 'timestamp', make: toInstant });
target(['TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE'], { type: 'timestamptz', make: toInstant });
target(['TIME'], {
  type: 'time',
  make: (_params, fail) => (value) => {
    if (value instanceof Date) return timestampText(value).slice(11);
    const match = TIME.exec(toText(value).trim());
    if (!match || Number(match[1]) > 23 || Number(match[2]) > 59 || Number(match[3] ?? 0) > 59)
      throw fail(value);
    return `${match[1].padStart(2, '0')}:${match[2]}:${match[3] ?? '00'}${match[4] ?? ''}`;
  },
});
target(['JSON', 'JSONB'], {
  type: 'json',
  make: (_params, fail) => (value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw fail(value, 'invalid JSON');
    }
  },
});
target(['UUID'], {
  type: 'uuid',
  make: (_params, fail) => (value) => {
    const text = toText(value).trim();
    if (!UUID.test(text)) throw fail(value);
    const hex = text.replaceAll('-', '').toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },
});
target(['BYTEA', 'BINARY', 'VARBINARY', 'BLOB'], {
  type: 'bytes',
  make: () => (value) => (value instanceof Uint8Array ? value : Buffer.from(toText(value), 'utf8')),
});

/** Type names CAST accepts, for messages and docs. */
export const CAST_TARGETS = Object.keys(TARGETS);

/** Casts that cannot work whatever the value (a timestamp to a number, a number to a date). */
function impossible(from: ValueType, to: ValueType): boolean {
  if (from === 'unknown' || from === 'string' || from === 'json' || from === to) return false;
  if (isNumeric(to)) return isTemporal(from) || from === 'bytes' || from === 'uuid';
  if (isTemporal(to) || to === 'time') return isNumeric(from) || from === 'bool' || from === 'bytes';
  if (to === 'bool') return isTemporal(from) || from === 'bytes';
  return false;
}

/** Compiles CAST(operand AS written type). */
export function cast(operand: Node, written: CastType): Node {
  const definition = TARGETS[written.name];
  if (!definition) {
    throw new ExpressionError(
      `cannot CAST to ${written.name || written.text} (types: INT, BIGINT, DECIMAL(p, s), FLOAT, DOUBLE, TEXT, VARCHAR(n), BOOLEAN, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, JSON, UUID)`,
      written.position,
    );
  }
  if (impossible(operand.type, definition.type)) {
    throw new ExpressionError(
      `cannot CAST ${operand.label} (${operand.type}) AS ${written.text}`,
      operand.position ?? written.position,
    );
  }
  const label = `CAST(${operand.label} AS ${written.text})`;
  const node: Node = {
    evaluate: () => null,
    type: definition.type,
    pure: operand.pure,
    label,
    position: operand.position ?? written.position,
  };
  let convert: Convert;
  try {
    convert = definition.make(written.params, (value, why) =>
      failure(node, `cannot CAST ${describeValue(value)} AS ${written.text}${why ? `: ${why}` : ''}`),
    );
  } catch (err) {
    throw new ExpressionError((err as Error).message, written.position);
  }
  const read = operand.evaluate;
  // Already of the target type with nothing to adjust: no conversion per row.
  const plain =
    written.params.length === 0 &&
    operand.type === definition.type &&
    definition.type !== 'json' &&
    definition.type !== 'int'; // int arithmetic is 64-bit: CAST(… AS INT) still checks the range
  node.evaluate = plain
    ? read
    : (row) => {
        const value = read(row);
        return isNull(value) ? null : convert(value);
      };
  return folded(node, [operand]);
}
