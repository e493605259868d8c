import { normalizedTypeName } from '../../connectors/shared/alter-ddl';
import { isUnsigned, type ColumnInfo } from '../../connectors/shared/sql/introspection';
import type { DiffReason } from '../../src-shared/api/diff-model';
import type { LogicalType } from '../../src-shared/types/logical';
import { reason } from './reasons';

/*
 * Whether the values of a column the pipeline writes fit the target column of the same name:
 * by logical type first (text into an integer column is incompatible, a timestamp with a zone
 * into one without loses the zone), then by the sizes the target database enforces (lengths,
 * decimal digits, integer widths and signedness, fractional seconds).
 */

/** How bad a finding is: fits, may lose or refuse some values, or cannot work as it is. */
export type Level = 'compatible' | 'warning' | 'incompatible';

/** What comparing a written column with its target column found. */
export interface ColumnVerdict {
  level: Level;
  reasons: DiffReason[];
  /** The target's type should change (to the dialect's type for the source column). */
  changeType: boolean;
  /** The target column's NOT NULL should go. */
  allowNull: boolean;
}

/** What the target database enforces, and which target columns are keys. */
export interface CompareOptions {
  /** False for SQLite: declared sizes are not enforced, so only logical types matter. */
  enforcesSizes: boolean;
  /** The target column is part of the target's primary key (its NOT NULL cannot go). */
  targetIsKey: boolean;
  /** Whether the source says if the column may hold NULL (a query's result columns do not). */
  sourceNullableKnown: boolean;
}

const RANK: Record<Level, number> = { compatible: 0, warning: 1, incompatible: 2 };

/** The worse of two levels. */
export function worse(a: Level, b: Level): Level {
  return RANK[a] >= RANK[b] ? a : b;
}

/** A type as a reason names it: the database's spelling, else the logical type. */
const typeName = (column: ColumnInfo) => column.nativeType || column.type;

/** Bytes of an integer column, from its native type (`smallint`, `int2`, `mediumint` …); by default its logical type's. */
export function integerBytes(column: ColumnInfo): number {
  const native = column.nativeType.trim().toLowerCase();
  if (/^tinyint\b/.test(native)) return 1;
  if (/^(smallint|int2|smallserial)\b/.test(native)) return 2;
  if (/^mediumint\b/.test(native)) return 3;
  if (/^(bigint|int8|bigserial)\b/.test(native)) return 8;
  if (/^(int|integer|int4|serial)\b/.test(native)) return 4;
  return column.type === 'bigint' ? 8 : 4;
}

/** Decimal digits of the largest value of an integer column. */
function integerDigits(column: ColumnInfo): number {
  const bits = integerBytes(column) * 8 - (isUnsigned(column) ? 0 : 1);
  return String(2n ** BigInt(bits) - 1n).length;
}

/** Characters the text of a value of this type can take; undefined where there is no bound. */
function textWidth(column: ColumnInfo): number | undefined {
  switch (column.type) {
    case 'string':
    case 'bytes':
    case 'json':
      return column.length;
    case 'int':
    case 'bigint':
      // And a minus sign.
      return integerDigits(column) + (isUnsigned(column) ? 0 : 1);
    case 'decimal':
      return column.precision === undefined ? undefined : column.precision + 2;
    case 'float':
      return 24;
    case 'bool':
      return 5;
    case 'date':
      return 10;
    case 'time':
      return 15;
    case 'timestamp':
      return 26;
    case 'timestamptz':
      return 32;
    case 'uuid':
      return 36;
  }
}

/** A 4-byte float (PostgreSQL `real`, MySQL `FLOAT`): about 7 significant digits. */
const isSinglePrecision = (column: ColumnInfo) => /^(real|float4|float)$/i.test(column.nativeType.trim());

/** Fractional-second digits of a time or timestamp; 6 where the database does not say. */
const fractionDigits = (column: ColumnInfo) => column.precision ?? 6;

interface Finding {
  level: Level;
  reasons: DiffReason[];
}

/** No problem found: the same type (as spelled), or a target that holds every value of the source's. */
function fits(source: ColumnInfo, target: ColumnInfo): Finding {
  const same = normalizedTypeName(typeName(source)) === normalizedTypeName(typeName(target));
  return {
    level: 'compatible',
    reasons: [
      same ? reason('same_type') : reason('fits', { source: typeName(source), target: typeName(target) }),
    ],
  };
}

/** The findings that are problems; none means the pair fits as `otherwise` says. */
function findings(problems: (DiffReason | undefined)[], otherwise: Finding): Finding {
  const found = problems.filter((r): r is DiffReason => r !== undefined);
  return found.length > 0 ? { level: 'warning', reasons: found } : otherwise;
}

/** An integer into an integer: ranges by width and signedness. */
function integerFit(source: ColumnInfo, target: ColumnInfo): DiffReason | undefined {
  const sourceUnsigned = isUnsigned(source);
  const targetUnsigned = isUnsigned(target);
  const params = { source: typeName(source), target: typeName(target) };
  if (!sourceUnsigned && targetUnsigned) return reason('signed_to_unsigned', params);
  const sourceBits = integerBytes(source) * 8 - (sourceUnsigned ? 0 : 1);
  const targetBits = integerBytes(target) * 8 - (targetUnsigned ? 0 : 1);
  if (sourceBits <= targetBits) return undefined;
  return sourceUnsigned && !targetUnsigned && integerBytes(source) === integerBytes(target)
    ? reason('unsigned_to_signed', params)
    : reason('int_narrower', params);
}

/** Text of a bounded width into a column with a length. */
function lengthFit(width: number | undefined, target: ColumnInfo): DiffReason | undefined {
  if (target.length === undefined) return undefined;
  if (width === undefined) return reason('length_unbounded', { target_length: target.length });
  return width > target.length
    ? reason('length_shorter', { source_length: width, target_length: target.length })
    : undefined;
}

/** A decimal (or an integer, as a decimal of no scale) into a decimal. */
function decimalFit(
  source: { digits?: number; scale: number },
  sourceColumn: ColumnInfo,
  target: ColumnInfo,
): DiffReason[] {
  if (target.precision === undefined) return [];
  if (source.digits === undefined) return [reason('decimal_unbounded', { target: typeName(target) })];
  const targetScale = target.scale ?? 0;
  const targetDigits = target.precision - targetScale;
  const found: DiffReason[] = [];
  if (source.digits > targetDigits)
    found.push(reason('decimal_digits', { source_digits: source.digits, target_digits: targetDigits }));
  if (source.scale > targetScale)
    found.push(
      reason('decimal_scale', {
        source_scale: source.scale,
        target_scale: targetScale,
        source: typeName(sourceColumn),
      }),
    );
  return found;
}

/** Both columns have the same logical type: only sizes can differ. */
function sameTypeFit(source: ColumnInfo, target: ColumnInfo, enforcesSizes: boolean): Finding {
  const otherwise = fits(source, target);
  if (!enforcesSizes) return otherwise;
  switch (source.type) {
    case 'string':
    case 'bytes':
    case 'json':
      return findings([lengthFit(source.length, target)], otherwise);
    case 'int':
    case 'bigint':
      return findings([integerFit(source, target)], otherwise);
    case 'decimal':
      return findings(
        decimalFit(
          {
            digits: source.precision === undefined ? undefined : source.precision - (source.scale ?? 0),
            scale: source.scale ?? 0,
          },
          source,
          target,
        ),
        otherwise,
      );
    case 'float':
      return findings(
        [
          isSinglePrecision(target) && !isSinglePrecision(source)
            ? reason('float_narrower', { source: typeName(source), target: typeName(target) })
            : undefined,
        ],
        otherwise,
      );
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return findings([fractionFit(source, target)], otherwise);
    default:
      return otherwise;
  }
}

function fractionFit(source: ColumnInfo, target: ColumnInfo): DiffReason | undefined {
  return fractionDigits(source) > fractionDigits(target)
    ? reason('fraction_digits', {
        source_precision: fractionDigits(source),
        target_precision: fractionDigits(target),
      })
    : undefined;
}

const NUMBERS = new Set<LogicalType>(['int', 'bigint', 'decimal', 'float']);
const INTEGERS = new Set<LogicalType>(['int', 'bigint']);

/** Different logical types: what converts, what loses something, and what cannot work. */
function crossTypeFit(source: ColumnInfo, target: ColumnInfo, enforcesSizes: boolean): Finding {
  const params = { source: typeName(source), target: typeName(target) };
  const warn = (...reasons: DiffReason[]): Finding => ({ level: 'warning', reasons });
  const no = (code: 'text_to_typed' | 'not_convertible'): Finding => ({
    level: 'incompatible',
    reasons: [reason(code, params)],
  });
  const sized = (problems: (DiffReason | undefined)[], otherwise: Finding) =>
    enforcesSizes ? findings(problems, otherwise) : otherwise;

  if (target.type === 'string') {
    if (source.type === 'bytes') return warn(reason('bytes_as_text'));
    return sized([lengthFit(textWidth(source), target)], {
      level: 'compatible',
      reasons: [reason('as_text')],
    });
  }
  if (source.type === 'string') return no('text_to_typed');
  const s = source.type;
  const t = target.type;
  if (INTEGERS.has(s)) {
    if (INTEGERS.has(t)) return sized([integerFit(source, target)], fits(source, target));
    if (t === 'decimal')
      return sized(
        decimalFit({ digits: integerDigits(source), scale: 0 }, source, target),
        fits(source, target),
      );
    if (t === 'float') {
      if (s === 'bigint' || integerBytes(source) === 8) return warn(reason('float_rounding', params));
      return sized(
        [isSinglePrecision(target) ? reason('float_narrower', params) : undefined],
        fits(source, target),
      );
    }
    if (t === 'bool') return warn(reason('number_to_bool'));
    return no('not_convertible');
  }
  if (s === 'decimal') {
    if (INTEGERS.has(t)) return warn(reason('fraction_lost', params));
    if (t === 'float') return warn(reason('float_rounding', params));
    return no('not_convertible');
  }
  if (s === 'float') {
    if (t === 'decimal') return warn(reason('float_to_decimal', params));
    if (INTEGERS.has(t)) return warn(reason('fraction_lost', params));
    return no('not_convertible');
  }
  if (s === 'bool') return NUMBERS.has(t) ? warn(reason('bool_to_number')) : no('not_convertible');
  if (s === 'date') {
    if (t === 'timestamp' || t === 'timestamptz')
      return { level: 'compatible', reasons: [reason('date_to_timestamp')] };
    return no('not_convertible');
  }
  if (s === 'timestamp' || s === 'timestamptz') {
    if (t === 'date') return warn(reason('time_of_day_lost'));
    if (t === 'timestamptz')
      return sized([fractionFit(source, target)], {
        level: 'compatible',
        reasons: [reason('timestamp_as_utc')],
      });
    if (t === 'timestamp')
      return warn(
        reason('zone_dropped'),
        ...(enforcesSizes ? [fractionFit(source, target)].filter((r) => r !== undefined) : []),
      );
    return no('not_convertible');
  }
  return no('not_convertible');
}

/**
 * Compares a column the pipeline writes with the target column it goes into: the level, the
 * reasons, and what would fix the target (its type, its NOT NULL). A generated target column
 * is left out by the output, whatever its type.
 */
export function compareColumn(
  source: ColumnInfo,
  target: ColumnInfo,
  options: CompareOptions,
): ColumnVerdict {
  if (target.generated)
    return { level: 'warning', reasons: [reason('target_generated')], changeType: false, allowNull: false };
  const typed =
    source.type === target.type
      ? sameTypeFit(source, target, options.enforcesSizes)
      : crossTypeFit(source, target, options.enforcesSizes);
  const verdict: ColumnVerdict = {
    level: typed.level,
    reasons: typed.reasons,
    changeType: typed.level !== 'compatible',
    allowNull: false,
  };
  if (options.sourceNullableKnown && source.nullable && !target.nullable) {
    const nullReason = reason('null_into_not_null');
    verdict.level = worse(verdict.level, 'warning');
    // A fitting type says so when nothing else is wrong with it; a problem replaces that.
    verdict.reasons = verdict.changeType ? [...verdict.reasons, nullReason] : [nullReason];
    if (options.targetIsKey) verdict.reasons.push(reason('key_stays_not_null', { column: target.name }));
    else verdict.allowNull = true;
  }
  return verdict;
}
