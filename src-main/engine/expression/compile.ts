import type { Column, Row } from '../batch';
import { closestNames } from '../similar';
import { ExpressionError } from './expression-error';
import { FUNCTIONS, type CompiledArg, type Evaluate, type ValueType } from './functions';
import { compileLike } from './like';
import { parseExpression, positionOf, type ExprNode } from './parse';
import { compareValues, isNull, toBool, toDate, toNumber, toText } from './values';

export { ExpressionError } from './expression-error';
export type { Evaluate, ValueType } from './functions';

/**
 * SQL expressions over rows: filters, computed fields, branch conditions.
 *
 * An expression is parsed once (MySQL grammar, by node-sql-parser) and compiled into a tree
 * of closures that read row values by index; evaluating a row never touches the AST.
 *
 * Semantics, as people who write SQL expect:
 * - NULL propagates: arithmetic, comparisons, LIKE and most functions give NULL when an
 *   input is NULL. AND/OR/NOT use three-valued logic (`NULL AND FALSE` is FALSE). A filter
 *   keeps a row only when its condition is TRUE, so NULL drops the row.
 * - Comparisons are numeric when either side is a number or a column declared numeric
 *   (int, bigint, float, decimal), also when the other side is numeric text (`'10' > 9`):
 *   CSV values and decimals arrive as strings. Timestamps compare in time, also against
 *   date text. Other text compares code point by code point (case-sensitive).
 * - Arithmetic (+ - * / % DIV) works on numbers (numeric text is converted); division by
 *   zero and non-numeric text give NULL. Integer inputs give integers, except `/`.
 *   Decimals are computed as floating point numbers.
 * - `||` concatenates (ANSI SQL, not MySQL's OR); `&&` and `!` are AND and NOT.
 * - LIKE is case-sensitive; `%` matches any run of characters, `_` one, `\` escapes
 *   (or the ESCAPE character). The pattern is compiled to a RegExp once when it is constant.
 * - Column names: plain, `backticked` or "double-quoted"; matched exactly, else ignoring case.
 *   A double-quoted name that is no column is a string literal (MySQL's and SQLite's reading).
 *   A table qualifier (`o.qty`) is ignored.
 * - Dates: `DATE_FORMAT` and comparisons read `Date` values and ISO text; text without a
 *   zone is UTC.
 */
export interface CompiledExpression {
  evaluate(row: Row): unknown;
  /** The static result type, or `unknown` when it depends on the data. */
  type: ValueType;
  /** Names of the columns the expression reads, in order of first use. */
  columns: string[];
}

interface Compiled extends CompiledArg {
  /** False when a part changes between evaluations (NOW), so the node must not be folded. */
  pure: boolean;
}

const NUMERIC_TYPES = new Set<ValueType>(['int', 'bigint', 'float', 'decimal']);

/** Compiles `source` against `columns`; throws `ExpressionError` for syntax errors and unknown names. */
export function compileExpression(source: string, columns: Column[]): CompiledExpression {
  const compiler = new Compiler(columns);
  const compiled = compiler.compile(parseExpression(source));
  return { evaluate: compiled.evaluate, type: compiled.type, columns: [...compiler.referenced] };
}

/**
 * Compiles a condition to a test that is true only when the expression is TRUE
 * (NULL and FALSE both reject the row).
 */
export function compilePredicate(source: string, columns: Column[]): (row: Row) => boolean {
  const { evaluate } = compileExpression(source, columns);
  return (row) => toBool(evaluate(row)) === true;
}

function constant(value: unknown, type: ValueType): Compiled {
  return { evaluate: () => value, type, constant: { value }, pure: true };
}

/** Folds a node whose inputs are all constant into its value, computed once. */
function folded(node: Compiled, inputs: Compiled[]): Compiled {
  if (!node.pure || !inputs.every((input) => input.constant)) return node;
  return constant(node.evaluate([]), node.type);
}

class Compiler {
  readonly referenced = new Set<string>();

  constructor(private readonly columns: Column[]) {}

  compile(node: ExprNode): Compiled {
    switch (node.type) {
      case 'number':
      case 'bigint':
        return this.number(node);
      case 'single_quote_string':
        return constant(String(node.value).replaceAll("''", "'"), 'string');
      case 'natural_string':
      case 'string':
        return constant(String(node.value), 'string');
      case 'double_quote_string':
        return this.column(String(node.value), node, true) ?? constant(String(node.value), 'string');
      case 'bool':
        return constant(Boolean(node.value), 'bool');
      case 'null':
        return constant(null, 'unknown');
      case 'date':
        return constant(String(node.value), 'date');
      case 'datetime':
      case 'timestamp':
        return constant(toDate(String(node.value)) ?? null, 'timestamp');
      case 'column_ref':
        return this.columnRef(node);
      case 'unary_expr':
        return this.unary(node);
      case 'binary_expr':
        return this.binary(node);
      case 'case':
        return this.caseWhen(node);
      case 'cast':
        return this.cast(node);
      case 'function':
        return this.call(node);
      case 'aggr_func':
        throw new ExpressionError(
          `aggregate function ${String(node.name)} is not allowed here: expressions see one row at a time`,
          positionOf(node),
        );
      default:
        if (node.ast)
          throw new ExpressionError('subqueries are not supported in expressions', positionOf(node));
        throw new ExpressionError(`unsupported expression (${node.type})`, positionOf(node));
    }
  }

  private number(node: ExprNode): Compiled {
    const text = String(node.value);
    if (/^-?\d+$/.test(text)) {
      const n = Number(text);
      if (Number.isSafeInteger(n)) return constant(n, Math.abs(n) <= 2 ** 31 - 1 ? 'int' : 'bigint');
      return constant(BigInt(text), 'bigint');
    }
    return constant(Number(text), 'float');
  }

  /** The column a name refers to: exact match first, then ignoring case (SQL names are case-insensitive). */
  private column(name: string, node: ExprNode, optional = false): Compiled | undefined {
    let index = this.columns.findIndex((c) => c.name === name);
    if (index < 0) {
      const lower = name.toLowerCase();
      const matches = this.columns.filter((c) => c.name.toLowerCase() === lower);
      if (matches.length === 1) index = this.columns.indexOf(matches[0]);
    }
    if (index < 0) {
      if (optional) return undefined;
      const names = this.columns.map((c) => c.name);
      const close = closestNames(names, name, 3);
      const hint =
        close.length > 0
          ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)`
          : names.length > 0
            ? ` (columns: ${names.join(', ')})`
            : ' (the input has no columns)';
      throw new ExpressionError(`unknown column "${name}"${hint}`, positionOf(node));
    }
    const column = this.columns[index];
    this.referenced.add(column.name);
    return { evaluate: (row) => row[index], type: column.type, pure: true };
  }

  private columnRef(node: ExprNode): Compiled {
    const name = typeof node.column === 'string' ? node.column : String(node.column?.expr?.value ?? '');
    return this.column(name, node) as Compiled;
  }

  private unary(node: ExprNode): Compiled {
    const operand = this.compile(node.expr as ExprNode);
    const read = operand.evaluate;
    switch (node.operator?.toUpperCase()) {
      case 'NOT':
      case '!':
        return folded(
          {
            evaluate: (row) => {
              const b = toBool(read(row));
              return b === null ? null : !b;
            },
            type: 'bool',
            pure: operand.pure,
          },
          [operand],
        );
      case '-':
        return folded(
          {
            evaluate: (row) => {
              const v = read(row);
              if (isNull(v)) return null;
              if (typeof v === 'bigint') return -v;
              const n = toNumber(v);
              return n === undefined ? null : -n;
            },
            type: NUMERIC_TYPES.has(operand.type) && operand.type !== 'decimal' ? operand.type : 'float',
            pure: operand.pure,
          },
          [operand],
        );
      case '+':
        return operand;
      default:
        throw new ExpressionError(`unsupported operator ${node.operator}`, positionOf(node));
    }
  }

  private binary(node: ExprNode): Compiled {
    const op = (node.operator ?? '').toUpperCase();
    const left = this.compile(node.left as ExprNode);
    if (op === 'IN' || op === 'NOT IN') return this.inList(left, node, op === 'NOT IN');
    if (op === 'BETWEEN' || op === 'NOT BETWEEN') return this.between(left, node, op === 'NOT BETWEEN');
    if (op === 'IS' || op === 'IS NOT') return this.is(left, node.right as ExprNode, op === 'IS NOT');
    const right = this.compile(node.right as ExprNode);
    const pure = left.pure && right.pure;
    const inputs = [left, right];
    switch (op) {
      case 'AND':
      case '&&':
        return folded({ evaluate: and(left.evaluate, right.evaluate), type: 'bool', pure }, inputs);
      case 'OR':
        return folded({ evaluate: or(left.evaluate, right.evaluate), type: 'bool', pure }, inputs);
      case 'XOR':
        return folded({ evaluate: xor(left.evaluate, right.evaluate), type: 'bool', pure }, inputs);
      case '||':
        return folded({ evaluate: FUNCTIONS.CONCAT.compile(inputs), type: 'string', pure }, inputs);
      case '=':
      case '<>':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const numeric = NUMERIC_TYPES.has(left.type) || NUMERIC_TYPES.has(right.type);
        return folded(
          { evaluate: comparison(op, left.evaluate, right.evaluate, numeric), type: 'bool', pure },
          inputs,
        );
      }
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case 'MOD':
      case 'DIV':
        return folded(
          {
            evaluate: arithmetic(op, left.evaluate, right.evaluate),
            type: arithmeticType(op, left.type, right.type),
            pure,
          },
          inputs,
        );
      case 'LIKE':
      case 'NOT LIKE':
        return this.like(left, right, node, op === 'NOT LIKE');
      default:
        throw new ExpressionError(`unsupported operator ${node.operator}`, positionOf(node));
    }
  }

  private list(node: ExprNode): Compiled[] {
    if (node.type !== 'expr_list' || !Array.isArray(node.value)) {
      throw new ExpressionError('expected a parenthesised list of values', positionOf(node));
    }
    return (node.value as ExprNode[]).map((item) => {
      if (item.ast)
        throw new ExpressionError('subqueries are not supported in expressions', positionOf(node));
      return this.compile(item);
    });
  }

  private inList(left: Compiled, node: ExprNode, negate: boolean): Compiled {
    const items = this.list(node.right as ExprNode);
    const read = left.evaluate;
    const numeric = NUMERIC_TYPES.has(left.type) || items.some((i) => NUMERIC_TYPES.has(i.type));
    let test: (value: unknown, row: Row) => boolean | null;
    if (left.type === 'string' && items.every((i) => i.constant && typeof i.constant.value === 'string')) {
      // The common `status IN ('a', 'b')`: one hash lookup per row.
      const set = new Set(items.map((i) => i.constant?.value));
      test = (value) => set.has(toText(value));
    } else {
      const evaluators = items.map((i) => i.evaluate);
      test = (value, row) => {
        let sawNull = false;
        for (const evaluate of evaluators) {
          const item = evaluate(row);
          if (isNull(item)) sawNull = true;
          else if (compareValues(value, item, numeric) === 0) return true;
        }
        return sawNull ? null : false;
      };
    }
    const evaluate: Evaluate = (row) => {
      const value = read(row);
      if (isNull(value)) return null;
      const found = test(value, row);
      return found === null ? null : found !== negate;
    };
    return folded({ evaluate, type: 'bool', pure: left.pure && items.every((i) => i.pure) }, [
      left,
      ...items,
    ]);
  }

  private between(left: Compiled, node: ExprNode, negate: boolean): Compiled {
    const [low, high] = this.list(node.right as ExprNode);
    const numeric = [left, low, high].some((c) => NUMERIC_TYPES.has(c.type));
    const inRange = and(
      comparison('>=', left.evaluate, low.evaluate, numeric),
      comparison('<=', left.evaluate, high.evaluate, numeric),
    );
    const evaluate: Evaluate = negate
      ? (row) => {
          const b = inRange(row);
          return b === null ? null : !b;
        }
      : inRange;
    return folded({ evaluate, type: 'bool', pure: left.pure && low.pure && high.pure }, [left, low, high]);
  }

  private is(left: Compiled, right: ExprNode, negate: boolean): Compiled {
    const read = left.evaluate;
    let test: (value: unknown) => boolean;
    if (right.type === 'null') test = isNull;
    else if (right.type === 'bool') {
      const wanted = Boolean(right.value);
      test = (value) => toBool(value) === wanted;
    } else throw new ExpressionError('expected NULL, TRUE or FALSE after IS', positionOf(right));
    return folded({ evaluate: (row) => test(read(row)) !== negate, type: 'bool', pure: left.pure }, [left]);
  }

  private like(left: Compiled, right: Compiled, node: ExprNode, negate: boolean): Compiled {
    const escapeNode = node.right?.escape?.value;
    const escape = escapeNode ? toText(this.compile(escapeNode).constant?.value ?? '\\') : '\\';
    const read = left.evaluate;
    let match: (text: string, row: Row) => boolean | null;
    if (right.constant) {
      if (isNull(right.constant.value)) return constant(null, 'bool');
      const regex = compileLike(toText(right.constant.value), escape);
      match = (text) => regex.test(text);
    } else {
      const readPattern = right.evaluate;
      let lastPattern: string | undefined;
      let regex = /$^/;
      match = (text, row) => {
        const pattern = readPattern(row);
        if (isNull(pattern)) return null;
        const source = toText(pattern);
        if (source !== lastPattern) {
          lastPattern = source;
          regex = compileLike(source, escape);
        }
        return regex.test(text);
      };
    }
    const evaluate: Evaluate = (row) => {
      const value = read(row);
      if (isNull(value)) return null;
      const matched = match(toText(value), row);
      return matched === null ? null : matched !== negate;
    };
    return folded({ evaluate, type: 'bool', pure: left.pure && right.pure }, [left, right]);
  }

  private caseWhen(node: ExprNode): Compiled {
    const args = (node.args ?? []) as ExprNode[];
    const subject = node.expr ? this.compile(node.expr) : undefined;
    const whens = args
      .filter((a) => a.type === 'when')
      .map((a) => ({ cond: this.compile(a.cond as ExprNode), result: this.compile(a.result as ExprNode) }));
    const elseArg = args.find((a) => a.type === 'else');
    const otherwise = elseArg ? this.compile(elseArg.result as ExprNode) : constant(null, 'unknown');
    const results = [...whens.map((w) => w.result), otherwise];
    const type = results.find((r) => r.type !== 'unknown')?.type ?? 'unknown';
    const branches = whens.map((w) => ({ result: w.result.evaluate, cond: w.cond.evaluate }));
    const elseValue = otherwise.evaluate;
    let evaluate: Evaluate;
    if (subject) {
      const readSubject = subject.evaluate;
      const numeric = [subject, ...whens.map((w) => w.cond)].some((c) => NUMERIC_TYPES.has(c.type));
      evaluate = (row) => {
        const value = readSubject(row);
        if (!isNull(value)) {
          for (const branch of branches) {
            const candidate = branch.cond(row);
            if (!isNull(candidate) && compareValues(value, candidate, numeric) === 0)
              return branch.result(row);
          }
        }
        return elseValue(row);
      };
    } else {
      evaluate = (row) => {
        for (const branch of branches) if (toBool(branch.cond(row)) === true) return branch.result(row);
        return elseValue(row);
      };
    }
    const parts = [...(subject ? [subject] : []), ...whens.flatMap((w) => [w.cond, w.result]), otherwise];
    return folded({ evaluate, type, pure: parts.every((p) => p.pure) }, parts);
  }

  private cast(node: ExprNode): Compiled {
    const operand = this.compile(node.expr as ExprNode);
    const target = node.target?.[0];
    const dataType = (target?.dataType ?? '').toUpperCase();
    const conversion = CASTS[dataType];
    if (!conversion) {
      throw new ExpressionError(
        `cannot CAST to ${dataType || 'that type'} (known: ${Object.keys(CASTS).join(', ')})`,
        positionOf(node),
      );
    }
    const convert = conversion.make(target?.scale);
    const read = operand.evaluate;
    return folded(
      {
        evaluate: (row) => {
          const v = read(row);
          return isNull(v) ? null : convert(v);
        },
        type: conversion.type,
        pure: operand.pure,
      },
      [operand],
    );
  }

  private call(node: ExprNode): Compiled {
    const name = functionName(node);
    const argNodes = Array.isArray(node.args?.value) ? node.args.value : [];
    // The grammar reads `NOT (a > 1)` as a call of a function named NOT.
    if (name === 'NOT' && argNodes.length === 1) {
      return this.unary({ type: 'unary_expr', operator: 'NOT', expr: argNodes[0] });
    }
    const fn = FUNCTIONS[name];
    if (!fn) {
      const close = closestNames(Object.keys(FUNCTIONS), name, 3);
      const hint = close.length > 0 ? ` (did you mean ${close.join(', ')}?)` : '';
      throw new ExpressionError(`unknown function ${name}${hint}`, positionOf(node));
    }
    if (argNodes.some((a) => a.type === 'origin')) {
      throw new ExpressionError(
        `unsupported ${name}(... FROM ...) form: use ${name}(text)`,
        positionOf(node),
      );
    }
    if (argNodes.length < fn.minArgs || argNodes.length > fn.maxArgs) {
      const expected =
        fn.minArgs === fn.maxArgs
          ? `${fn.minArgs}`
          : fn.maxArgs === Infinity
            ? `at least ${fn.minArgs}`
            : `${fn.minArgs} to ${fn.maxArgs}`;
      throw new ExpressionError(
        `${name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${argNodes.length}`,
        positionOf(node),
      );
    }
    const args = argNodes.map((a) => this.compile(a));
    const compiled: Compiled = {
      evaluate: fn.compile(args),
      type: fn.type(args.map((a) => a.type)),
      pure: fn.pure !== false && args.every((a) => a.pure),
    };
    return folded(compiled, args);
  }
}

function functionName(node: ExprNode): string {
  if (typeof node.name === 'string') return node.name.toUpperCase();
  return (node.name?.name ?? [])
    .map((part) => part.value ?? '')
    .join('.')
    .toUpperCase();
}

function and(left: Evaluate, right: Evaluate): Evaluate {
  return (row) => {
    const l = toBool(left(row));
    if (l === false) return false;
    const r = toBool(right(row));
    if (r === false) return false;
    return l === null || r === null ? null : true;
  };
}

function or(left: Evaluate, right: Evaluate): Evaluate {
  return (row) => {
    const l = toBool(left(row));
    if (l === true) return true;
    const r = toBool(right(row));
    if (r === true) return true;
    return l === null || r === null ? null : false;
  };
}

function xor(left: Evaluate, right: Evaluate): Evaluate {
  return (row) => {
    const l = toBool(left(row));
    const r = toBool(right(row));
    return l === null || r === null ? null : l !== r;
  };
}

/** One closure per operator, so the row loop does not switch on it. */
function comparison(op: string, left: Evaluate, right: Evaluate, numeric: boolean): Evaluate {
  const compare = (row: Row): number | null => {
    const a = left(row);
    if (isNull(a)) return null;
    const b = right(row);
    if (isNull(b)) return null;
    return compareValues(a, b, numeric);
  };
  switch (op) {
    case '=':
      return (row) => {
        const c = compare(row);
        return c === null ? null : c === 0;
      };
    case '<>':
    case '!=':
      return (row) => {
        const c = compare(row);
        return c === null ? null : c !== 0;
      };
    case '<':
      return (row) => {
        const c = compare(row);
        return c === null ? null : c < 0;
      };
    case '<=':
      return (row) => {
        const c = compare(row);
        return c === null ? null : c <= 0;
      };
    case '>':
      return (row) => {
        const c = compare(row);
        return c === null ? null : c > 0;
      };
    default:
      return (row) => {
        const c = compare(row);
        return c === null ? null : c >= 0;
      };
  }
}

function arithmeticType(op: string, left: ValueType, right: ValueType): ValueType {
  if (op === '/') return 'float';
  const integer = (t: ValueType) => t === 'int' || t === 'bigint';
  if (integer(left) && integer(right)) return left === 'bigint' || right === 'bigint' ? 'bigint' : 'int';
  if (op === 'DIV') return 'bigint';
  return 'float';
}

function applyNumber(op: string, a: number, b: number): number | null {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? null : a / b;
    case 'DIV':
      return b === 0 ? null : Math.trunc(a / b);
    default:
      return b === 0 ? null : a % b;
  }
}

function applyBigint(op: string, a: bigint, b: bigint): bigint | number | null {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0n ? null : Number(a) / Number(b);
    case 'DIV':
      return b === 0n ? null : a / b;
    default:
      return b === 0n ? null : a % b;
  }
}

function arithmetic(op: string, left: Evaluate, right: Evaluate): Evaluate {
  return (row) => {
    const a = left(row);
    if (isNull(a)) return null;
    const b = right(row);
    if (isNull(b)) return null;
    if (typeof a === 'number' && typeof b === 'number') return applyNumber(op, a, b);
    // Exact integer arithmetic when both sides are integers and one is beyond 2^53.
    if ((typeof a === 'bigint' || typeof b === 'bigint') && isInteger(a) && isInteger(b)) {
      return applyBigint(op, BigInt(a as number | bigint), BigInt(b as number | bigint));
    }
    const x = toNumber(a);
    const y = toNumber(b);
    return x === undefined || y === undefined ? null : applyNumber(op, x, y);
  };
}

function isInteger(value: unknown): boolean {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

function toInteger(value: unknown): number | bigint | null {
  if (typeof value === 'bigint') return value;
  const n = toNumber(value);
  return n === undefined || !Number.isFinite(n) ? null : Math.trunc(n);
}

/** CAST targets by MySQL type name: the logical type and the conversion (NULL when the value does not convert). */
const CASTS: Record<string, { type: ValueType; make(scale?: number): (value: unknown) => unknown }> = {};
const castTo = (
  names: string[],
  type: ValueType,
  make: (scale?: number) => (value: unknown) => unknown,
): void => {
  for (const name of names) CASTS[name] = { type, make };
};
castTo(['CHAR', 'VARCHAR', 'TEXT', 'STRING', 'NCHAR'], 'string', () => toText);
castTo(['SIGNED', 'UNSIGNED', 'BIGINT'], 'bigint', () => toInteger);
castTo(['INT', 'INTEGER'], 'int', () => toInteger);
castTo(['DOUBLE', 'FLOAT', 'REAL'], 'float', () => (v) => toNumber(v) ?? null);
castTo(['DECIMAL', 'NUMERIC'], 'decimal', (scale = 0) => (v) => {
  const n = toNumber(v);
  return n === undefined ? null : n.toFixed(scale);
});
castTo(['DATE'], 'date', () => (v) => toDate(v)?.toISOString().slice(0, 10) ?? null);
castTo(['DATETIME', 'TIMESTAMP'], 'timestamp', () => (v) => toDate(v) ?? null);
castTo(['BOOLEAN', 'BOOL'], 'bool', () => toBool);
castTo(['JSON'], 'json', () => (v) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return null;
  }
});
