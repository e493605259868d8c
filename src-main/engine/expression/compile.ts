import type { Column, Row } from '../batch';
import { closestNames } from '../similar';
import { arithmetic, ARITHMETIC, negate, type ArithmeticOperator } from './arithmetic';
import { cast } from './casts';
import { between, comparison, COMPARISONS, equality, inList, type ComparisonOperator } from './compare';
import * as decimal from './decimal';
import { ConstantError, ExpressionError } from './expression-error';
import { argumentError, unifiedEvaluators, unifyTypes, type ArgKind, type Call } from './function-kit';
import { FUNCTIONS } from './functions';
import { jsonPath } from './functions-misc';
import { regexpOperator } from './functions-text';
import { intervalArithmetic } from './functions-time';
import { compileLike } from './like';
import { and, is, not, or, xor } from './logic';
import {
  constant,
  folded,
  isNumeric,
  isTemporal,
  isTrueOf,
  textOf,
  type Evaluate,
  type Node,
  type ValueType,
} from './node';
import {
  argumentsOf,
  CAST_BASE,
  functionNameOf,
  LITERAL_MARK,
  parseExpression,
  referencedName,
  type CastType,
  type ExprNode,
  type Literal,
  type ParsedExpression,
} from './parse';
import { INTERVAL_UNITS, timeZone, type IntervalUnit } from './time';
import { isNull, isNumericText, toBool, toDate, toText } from './values';

export { EvaluationError, ExpressionError } from './expression-error';
export type { Evaluate, ValueType } from './node';

/**
 * SQL expressions over rows: filters, computed fields, branch conditions.
 *
 * An expression is parsed once (MySQL grammar, by node-sql-parser) and compiled into a tree
 * of closures that read row values by index; evaluating a row never touches the AST. The
 * closures are chosen by the columns' types when compiling: `qty > 0` on an int column is a
 * `typeof` check and one `>`; `price * 1.1` on a decimal column is exact scaled-integer
 * arithmetic without a float in between.
 *
 * Semantics, as people who write SQL expect (PostgreSQL's where MySQL and PostgreSQL differ,
 * except where noted):
 * - NULL propagates through operators and most functions; AND/OR/NOT use three-valued logic
 *   (`NULL AND FALSE` is FALSE). A filter keeps a row only when its condition is TRUE.
 * - Comparisons by type (see `compare.ts`): numbers numerically and decimals exactly, also
 *   against numeric text; timestamps as instants; text case-sensitively by code unit.
 * - Arithmetic (see `arithmetic.ts`): exact decimals; int / int is a float (MySQL);
 *   division by zero is an error for the row.
 * - `||` concatenates (ANSI SQL, not MySQL's OR); `&&` and `!` are AND and NOT.
 *   CONCAT returns NULL when an argument is NULL (MySQL); CONCAT_WS skips NULLs.
 * - LIKE is case-sensitive, ILIKE is not; `%` matches any run, `_` one character, `\`
 *   escapes (or the ESCAPE character). `REGEXP`/`RLIKE` match a regular expression.
 * - Column names: plain, `backticked` or "double-quoted"; matched exactly, else ignoring case.
 *   A double-quoted name that is no column is a string literal (MySQL's and SQLite's reading).
 *   A table qualifier (`o.qty`) is ignored.
 * - Types are checked when compiling where the schema tells them: `qty + 'abc'`,
 *   `DATE_TRUNC('month', status)` on a text column and unknown time zones are compile errors
 *   pointing at the argument; values that fail on one row (a bad CAST, invalid JSON) throw
 *   `EvaluationError` for that row.
 */
export interface CompiledExpression {
  evaluate(row: Row): unknown;
  /** The static result type, or `unknown` when it depends on the data. */
  type: ValueType;
  /** Names of the columns the expression reads, in order of first use. */
  columns: string[];
}

/** Compiles `source` against `columns`; throws `ExpressionError` for syntax errors, unknown names and type errors. */
export function compileExpression(source: string, columns: Column[]): CompiledExpression {
  const compiled = compileNode(source, columns);
  return { evaluate: compiled.node.evaluate, type: compiled.node.type, columns: compiled.columns };
}

/**
 * Compiles a condition to a test that is true only when the expression is TRUE
 * (NULL and FALSE both reject the row).
 */
export function compilePredicate(source: string, columns: Column[]): (row: Row) => boolean {
  return isTrueOf(compileNode(source, columns).node);
}

function compileNode(source: string, columns: Column[]): { node: Node; columns: string[] } {
  const parsed = parseExpression(source);
  const compiler = new Compiler(columns, parsed);
  const node = compiler.compile(parsed.ast);
  return { node, columns: [...compiler.referenced] };
}

const INT32_MAX = 2 ** 31 - 1;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIME_TEXT = /^\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/;

class Compiler {
  readonly referenced = new Set<string>();

  constructor(
    private readonly columns: Column[],
    private readonly parsed: ParsedExpression,
  ) {}

  private position(node: ExprNode): number | undefined {
    return this.parsed.positionOf(node);
  }

  /** Compiles a node that must be a value (an INTERVAL alone is not one). */
  compile(node: ExprNode): Node {
    const compiled = this.compileAny(node);
    if (compiled.interval) {
      throw new ExpressionError(
        'INTERVAL can only be added to or subtracted from a date or timestamp (DATE_ADD, DATE_SUB, + or -)',
        compiled.position,
      );
    }
    return compiled;
  }

  private compileAny(node: ExprNode): Node {
    switch (node.type) {
      case 'column_ref':
        return this.columnRef(node);
      case 'single_quote_string':
      case 'natural_string':
      case 'string':
        return constant(String(node.value).replaceAll("''", "'"), 'string', `'${String(node.value)}'`);
      case 'double_quote_string':
        return (
          this.column(String(node.value), node, true) ??
          constant(String(node.value), 'string', `"${String(node.value)}"`)
        );
      case 'number':
      case 'bigint':
        return this.number(String(node.value), String(node.value), this.position(node));
      case 'bool':
        return constant(Boolean(node.value), 'bool', node.value ? 'TRUE' : 'FALSE');
      case 'null':
        return constant(null, 'unknown', 'NULL');
      case 'unary_expr':
        return this.unary(node);
      case 'binary_expr':
        return this.binary(node);
      case 'case':
        return this.caseWhen(node);
      case 'cast':
        return this.castNode(node);
      case 'function':
        return this.call(node);
      case 'interval':
        return this.interval(node);
      case 'aggr_func':
        throw new ExpressionError(
          `aggregate function ${functionNameOf(node.name)} is not allowed here: expressions see one row at a time`,
          this.position(node),
        );
      default:
        if (node.ast)
          throw new ExpressionError('subqueries are not supported in expressions', this.position(node));
        throw new ExpressionError(`unsupported expression (${node.type})`, this.position(node));
    }
  }

  /** A number literal as written: integers as int or bigint, with a point as DECIMAL, with an exponent as FLOAT. */
  private number(text: string, label: string, position?: number): Node {
    if (/^0x[0-9a-f]+$/i.test(text)) {
      const n = BigInt(text);
      return constant(n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, 'bigint', label, position);
    }
    if (/^\d+$/.test(text)) {
      const n = Number(text);
      if (n <= INT32_MAX) return constant(n, 'int', label, position);
      return constant(Number.isSafeInteger(n) ? n : BigInt(text), 'bigint', label, position);
    }
    if (/e/i.test(text)) return constant(Number(text), 'float', label, position);
    if (!decimal.readText(text)) throw new ExpressionError(`${text} is not a number`, position);
    return constant(
      decimal.format(decimal.result.unscaled, decimal.result.scale),
      'decimal',
      label,
      position,
    );
  }

  private literal(literal: Literal): Node {
    const { value, text, position } = literal;
    switch (literal.kind) {
      case 'number':
        return this.number(value, text, position);
      case 'string':
        return constant(value, 'string', text, position);
      case 'quoted':
        return this.column(value, undefined, true, position) ?? constant(value, 'string', text, position);
      case 'hex':
        return constant(Buffer.from(value, 'hex'), 'bytes', text, position);
      case 'bits':
        return constant(parseInt(value || '0', 2), 'int', text, position);
      case 'date': {
        const date = DATE_TEXT.test(value.trim()) ? toDate(value) : undefined;
        if (!date) throw new ExpressionError(`${text} is not a valid date (YYYY-MM-DD)`, position);
        return constant(value.trim(), 'date', text, position);
      }
      case 'time':
        if (!TIME_TEXT.test(value.trim()))
          throw new ExpressionError(`${text} is not a valid time (HH:MM:SS)`, position);
        return constant(value.trim(), 'time', text, position);
      case 'timestamp': {
        const date = toDate(value);
        if (!date) throw new ExpressionError(`${text} is not a valid timestamp`, position);
        return constant(date, 'timestamp', text, position);
      }
    }
  }

  /** The column a name refers to: exact match first, then ignoring case (SQL names are case-insensitive). */
  private column(name: string, node: ExprNode | undefined, optional = false, at?: number): Node | undefined {
    const position = at ?? (node ? this.position(node) : undefined);
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
      throw new ExpressionError(`unknown column "${name}"${hint}`, position);
    }
    const column = this.columns[index];
    this.referenced.add(column.name);
    return {
      evaluate: (row) => row[index],
      type: column.type,
      pure: true,
      label: column.name,
      position,
      column: index,
    };
  }

  private columnRef(node: ExprNode): Node {
    const name = referencedName(node);
    if (name.startsWith(LITERAL_MARK)) return this.literal(this.parsed.literals[Number(name.slice(1))]);
    return this.column(name, node) as Node;
  }

  private unary(node: ExprNode): Node {
    const operand = this.compile(node.expr as ExprNode);
    const operator = node.operator?.toUpperCase();
    const label = `${operator === 'NOT' ? 'NOT ' : operator}${operand.label}`;
    switch (operator) {
      case 'NOT':
      case '!':
        return not(operand, label);
      case '-':
        return negate(operand, label);
      case '+':
        return operand;
      default:
        throw new ExpressionError(`unsupported operator ${node.operator}`, operand.position);
    }
  }

  private binary(node: ExprNode): Node {
    const op = (node.operator ?? '').toUpperCase();
    if (op === 'IS' || op === 'IS NOT') return this.is(node, op === 'IS NOT');
    const left =
      op === '+' || op === '-' ? this.compileAny(node.left as ExprNode) : this.compile(node.left as ExprNode);
    if (op === 'IN' || op === 'NOT IN') {
      return inList(left, this.list(node.right as ExprNode), op === 'NOT IN', `${left.label} ${op} (…)`);
    }
    if (op === 'BETWEEN' || op === 'NOT BETWEEN') {
      const [low, high] = this.list(node.right as ExprNode);
      return between(left, low, high, op === 'NOT BETWEEN', `${left.label} ${op} …`);
    }
    const shortCircuit =
      left.constant !== undefined &&
      (((op === 'AND' || op === '&&') && toBool(left.constant.value) === false) ||
        (op === 'OR' && toBool(left.constant.value) === true));
    const right = shortCircuit
      ? this.unreachable(node.right as ExprNode)
      : op === '+' || op === '-'
        ? this.compileAny(node.right as ExprNode)
        : this.compile(node.right as ExprNode);
    const label = `${left.label} ${op} ${right.label}`;
    switch (op) {
      case 'AND':
      case '&&':
        return and(left, right, label);
      case 'OR':
        return or(left, right, label);
      case 'XOR':
        return xor(left, right, label);
      case '||':
        return this.apply('CONCAT', [left, right], { name: 'CONCAT', position: left.position, label });
      case 'LIKE':
      case 'NOT LIKE':
      case 'RLIKE': // ILIKE, renamed before parsing (see parse.ts)
      case 'NOT RLIKE':
        return this.like(left, right, node, op.startsWith('NOT'), op.endsWith('RLIKE'), label);
      case 'REGEXP':
      case 'NOT REGEXP': {
        const matches = regexpOperator(left, right, { name: 'REGEXP', position: left.position, label });
        const node: Node = {
          evaluate: matches,
          type: 'bool',
          pure: left.pure && right.pure,
          label,
          position: left.position,
        };
        return op === 'REGEXP' ? folded(node, [left, right]) : not(folded(node, [left, right]), label);
      }
      case '->':
      case '->>':
        return folded(
          {
            evaluate: jsonPath(left, right, { name: op, position: right.position, label }, op === '->>'),
            type: op === '->>' ? 'string' : 'json',
            pure: left.pure && right.pure,
            label,
            position: left.position,
          },
          [left, right],
        );
      default:
        break;
    }
    if ((COMPARISONS as readonly string[]).includes(op))
      return comparison(op as ComparisonOperator, left, right, label);
    if ((ARITHMETIC as readonly string[]).includes(op)) {
      if (left.interval || right.interval) return this.intervalArithmetic(op, left, right, label);
      return arithmetic(op as ArithmeticOperator, left, right, label);
    }
    throw new ExpressionError(`unsupported operator ${node.operator}`, left.position);
  }

  private intervalArithmetic(op: string, left: Node, right: Node, label: string): Node {
    const [value, interval] = left.interval ? [right, left] : [left, right];
    if (value.interval || (op === '-' && left.interval) || (op !== '+' && op !== '-')) {
      throw new ExpressionError(
        'INTERVAL can only be added to or subtracted from a date or timestamp',
        interval.position,
      );
    }
    return intervalArithmetic(
      this.temporal(value, 'INTERVAL arithmetic'),
      interval,
      op === '-' ? -1 : 1,
      label,
    );
  }

  private list(node: ExprNode): Node[] {
    if (node.type !== 'expr_list' || !Array.isArray(node.value)) {
      throw new ExpressionError('expected a parenthesised list of values', this.position(node));
    }
    return (node.value as ExprNode[]).map((item) => {
      if (item.ast)
        throw new ExpressionError('subqueries are not supported in expressions', this.position(node));
      return this.compile(item);
    });
  }

  private is(node: ExprNode, negate: boolean): Node {
    const left = this.compile(node.left as ExprNode);
    const right = node.right as ExprNode;
    const label = `${left.label} IS ${negate ? 'NOT ' : ''}…`;
    if (right.type === 'null') return is(left, 'NULL', negate, label);
    if (right.type === 'bool') return is(left, right.value ? 'TRUE' : 'FALSE', negate, label);
    if (right.type === 'column_ref' && String(right.column).toUpperCase() === 'UNKNOWN')
      return is(left, 'NULL', negate, label);
    throw new ExpressionError(
      'expected NULL, TRUE, FALSE or UNKNOWN after IS',
      this.position(right) ?? left.position,
    );
  }

  private like(
    value: Node,
    pattern: Node,
    node: ExprNode,
    negate: boolean,
    caseInsensitive: boolean,
    label: string,
  ): Node {
    const escapeNode = node.right?.escape?.value;
    const escape = escapeNode ? toText(this.compile(escapeNode).constant?.value ?? '\\') : '\\';
    if (escape.length > 1)
      throw new ExpressionError(`ESCAPE must be one character, got '${escape}'`, pattern.position);
    const readValue = textOf(value);
    let match: (text: string, row: Row) => boolean | null;
    if (pattern.constant) {
      if (isNull(pattern.constant.value)) return constant(null, 'bool', label, value.position);
      const test = compileLike(toText(pattern.constant.value), escape, caseInsensitive);
      match = (text) => test(text);
    } else {
      const readPattern = textOf(pattern);
      let lastPattern: string | undefined;
      let test = (_text: string) => false;
      match = (text, row) => {
        const source = readPattern(row);
        if (source === null) return null;
        if (source !== lastPattern) {
          lastPattern = source;
          test = compileLike(source, escape, caseInsensitive);
        }
        return test(text);
      };
    }
    const evaluate: Evaluate = (row) => {
      const text = readValue(row);
      if (text === null) return null;
      const matched = match(text, row);
      return matched === null ? null : matched !== negate;
    };
    return folded(
      {
        evaluate,
        type: 'bool',
        pure: value.pure && pattern.pure,
        label,
        position: value.position,
        isTrue: (row) => evaluate(row) === true,
        isFalse: (row) => evaluate(row) === false,
      },
      [value, pattern],
    );
  }

  private caseWhen(node: ExprNode): Node {
    const args = (node.args ?? []) as ExprNode[];
    const subject = node.expr ? this.compile(node.expr) : undefined;
    // A branch no row can take (after a constant TRUE condition, or under a constant FALSE or
    // NULL one) may hold a constant that fails: as in PostgreSQL, that is no error.
    let reachable = true;
    const result = (arg: ExprNode, taken: boolean): Node =>
      taken ? this.compile(arg) : this.unreachable(arg);
    const branches = args
      .filter((a) => a.type === 'when')
      .map((a) => {
        const cond = this.compile(a.cond as ExprNode);
        const fixed = subject ? undefined : cond.constant ? cond.constant.value === true : undefined;
        const compiled = {
          cond,
          result: result(a.result as ExprNode, reachable && fixed !== false),
          fixed,
          reachable,
        };
        if (fixed === true) reachable = false;
        return compiled;
      });
    const elseArg = args.find((a) => a.type === 'else');
    const elseNode = elseArg
      ? result(elseArg.result as ExprNode, reachable)
      : constant(null, 'unknown', 'NULL');
    const type = unifyTypes([...branches.map((w) => w.result.type), elseNode.type]);
    // Branches whose condition is a constant drop out: a constant TRUE one becomes the ELSE.
    const whens = branches.filter((w) => w.reachable && w.fixed === undefined);
    const taken = branches.find((w) => w.reachable && w.fixed === true);
    const otherwise = taken ? taken.result : elseNode;
    const results = [...whens.map((w) => w.result), otherwise];
    const resultEvaluators = unifiedEvaluators(results, type);
    const elseValue = resultEvaluators[resultEvaluators.length - 1];
    let evaluate: Evaluate;
    if (subject) {
      const readSubject = subject.evaluate;
      const branches = whens.map((w, i) => ({
        read: w.cond.evaluate,
        equal: equality(subject, w.cond),
        result: resultEvaluators[i],
      }));
      evaluate = (row) => {
        const value = readSubject(row);
        if (!isNull(value)) {
          for (const branch of branches) if (branch.equal(value, branch.read(row))) return branch.result(row);
        }
        return elseValue(row);
      };
    } else {
      const branches = whens.map((w, i) => ({ test: isTrueOf(w.cond), result: resultEvaluators[i] }));
      evaluate = (row) => {
        for (const branch of branches) if (branch.test(row)) return branch.result(row);
        return elseValue(row);
      };
    }
    if (whens.length === 0) {
      return {
        ...otherwise,
        evaluate: resultEvaluators[0],
        type,
        label: 'CASE …',
        column: undefined,
        decimal: undefined,
      };
    }
    const parts = [...(subject ? [subject] : []), ...whens.flatMap((w) => [w.cond, w.result]), otherwise];
    return folded(
      { evaluate, type, pure: parts.every((p) => p.pure), label: 'CASE …', position: parts[0]?.position },
      parts,
    );
  }

  /** Compiles a part no row evaluates (`FALSE AND x`, a dead CASE branch): a constant that fails there is no error. */
  private unreachable(node: ExprNode): Node {
    try {
      return this.compile(node);
    } catch (err) {
      if (err instanceof ConstantError) return constant(null, 'unknown', 'NULL');
      throw err;
    }
  }

  private castType(target: { dataType?: string; length?: number; scale?: number } | undefined): CastType {
    const length = target?.length;
    if (target?.dataType?.toUpperCase() === 'CHAR' && length !== undefined && length >= CAST_BASE) {
      return this.parsed.castTypes[length - CAST_BASE];
    }
    const params = [target?.length, target?.scale].filter((p): p is number => p !== undefined);
    const name = (target?.dataType ?? '').toUpperCase();
    return { name, params, text: params.length ? `${name}(${params.join(', ')})` : name, position: 0 };
  }

  private castNode(node: ExprNode): Node {
    return cast(this.compile(node.expr as ExprNode), this.castType(node.target?.[0]));
  }

  private interval(node: ExprNode): Node {
    const amount = this.compile(node.expr as ExprNode);
    const unit = String(node.unit ?? '').toUpperCase() as IntervalUnit;
    if (!INTERVAL_UNITS.includes(unit)) {
      throw new ExpressionError(
        `unsupported INTERVAL unit ${unit} (units: ${INTERVAL_UNITS.join(', ')})`,
        amount.position,
      );
    }
    if (!isNumeric(amount.type) && amount.type !== 'unknown' && amount.type !== 'string') {
      throw new ExpressionError(
        `INTERVAL needs a number, got ${amount.label} (${amount.type})`,
        amount.position,
      );
    }
    const value = amount.constant?.value;
    if (typeof value === 'string' && !isNumericText(value)) {
      throw new ExpressionError(`INTERVAL needs a number, got ${amount.label}`, amount.position);
    }
    return {
      evaluate: () => null,
      type: 'unknown',
      pure: amount.pure,
      label: `INTERVAL ${amount.label} ${unit}`,
      position: amount.position,
      interval: { amount, unit },
    };
  }

  private call(node: ExprNode): Node {
    const name = functionNameOf(node.name);
    const position = this.position(node);
    const argNodes = argumentsOf(node);
    // The grammar reads `NOT (a > 1)` as a call of a function named NOT.
    if (name === 'NOT' && argNodes.length === 1) {
      const operand = this.compile(argNodes[0]);
      return not(operand, `NOT ${operand.label}`);
    }
    if (name === 'CONVERT' && argNodes.length === 2 && argNodes[1].type === 'datatype') {
      return cast(this.compile(argNodes[0]), this.castType(argNodes[1]));
    }
    if (name === 'TRIM' && argNodes.some((a) => a.type === 'origin'))
      return this.trimFrom(argNodes, position);
    const fn = FUNCTIONS[name];
    if (!fn) {
      const close = closestNames(Object.keys(FUNCTIONS), name, 3);
      const hint = close.length > 0 ? ` (did you mean ${close.join(', ')}?)` : '';
      throw new ExpressionError(`unknown function ${name}${hint}`, position);
    }
    // COALESCE stops at a constant that is not NULL: what follows is never evaluated (nor
    // folded, so a constant error there is none), as PostgreSQL simplifies it.
    let settled = false;
    const args = argNodes.map((a) => {
      if (settled) return this.unreachable(a);
      // The grammar reads some column names (`day`, `year`) as keywords inside a few calls.
      if (a.type === 'origin') {
        const column = this.column(String(a.value), undefined, true, position);
        if (column) return column;
        throw new ExpressionError(`unexpected ${String(a.value)} in ${name}(…)`, position);
      }
      const arg = this.compileAny(a);
      settled =
        (name === 'COALESCE' || name === 'IFNULL') &&
        arg.constant !== undefined &&
        arg.constant.value !== null;
      return arg;
    });
    return this.apply(name, args, {
      name,
      position,
      label: `${name}(${args.map((a) => a.label).join(', ')})`,
    });
  }

  /** TRIM([BOTH|LEADING|TRAILING] [chars] FROM text). */
  private trimFrom(argNodes: ExprNode[], position: number | undefined): Node {
    const words = argNodes.filter((a) => a.type === 'origin').map((a) => String(a.value).toUpperCase());
    const values = argNodes.filter((a) => a.type !== 'origin').map((a) => this.compile(a));
    const text = values[values.length - 1];
    const chars = values.length > 1 ? values[0] : undefined;
    const name = words.includes('LEADING') ? 'LTRIM' : words.includes('TRAILING') ? 'RTRIM' : 'BTRIM';
    const args = chars ? [text, chars] : [text];
    return this.apply(name, args, {
      name: 'TRIM',
      position,
      label: `TRIM(${args.map((a) => a.label).join(', ')})`,
    });
  }

  /** Checks a call's arguments against the function's declaration, then compiles it. */
  private apply(name: string, given: Node[], call: Call): Node {
    const fn = FUNCTIONS[name];
    const min = fn.minArgs ?? fn.args.length;
    const max = fn.variadic ? Infinity : fn.args.length;
    if (given.length < min || given.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw new ExpressionError(
        `${call.name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${given.length}`,
        call.position,
      );
    }
    const args = given.map((arg, index) => {
      const kind = fn.args[Math.min(index, fn.args.length - 1)];
      if (arg.interval && !(name === 'DATE_ADD' || name === 'DATE_SUB')) {
        throw argumentError(
          call,
          given,
          index,
          'cannot be an INTERVAL: use DATE_ADD or + INTERVAL with a date',
        );
      }
      return this.checkArgument(arg, kind, call, given, index);
    });
    if ((name === 'DATE_ADD' || name === 'DATE_SUB') && !args[1].interval) {
      throw argumentError(call, args, 1, 'must be INTERVAL n unit, e.g. INTERVAL 3 DAY');
    }
    const type = fn.type(args);
    if (!fn.takesNulls && args.some((a) => a.constant && a.constant.value === null)) {
      return constant(null, type, call.label, call.position);
    }
    const compiled = fn.compile(args, call);
    const node: Node = {
      evaluate: typeof compiled === 'function' ? compiled : compiled.evaluate,
      type,
      pure: fn.pure !== false && args.every((a) => a.pure),
      label: call.label,
      position: call.position,
    };
    if (typeof compiled !== 'function' && compiled.decimal) node.decimal = compiled.decimal;
    // A decimal-valued result read by a parent decimal operation need not be formatted and re-read.
    return folded(
      node,
      args.filter((a) => !a.interval).concat(args.flatMap((a) => (a.interval ? [a.interval.amount] : []))),
    );
  }

  /** Checks one argument against what the function takes; a literal may be converted once here. */
  private checkArgument(arg: Node, kind: ArgKind, call: Call, args: Node[], index: number): Node {
    const value = arg.constant?.value;
    switch (kind) {
      case 'number':
        if (
          arg.type === 'bool' ||
          isTemporal(arg.type) ||
          arg.type === 'bytes' ||
          arg.type === 'uuid' ||
          arg.type === 'time'
        ) {
          throw argumentError(call, args, index, `must be a number, not ${arg.type}`);
        }
        if (typeof value === 'string' && !isNumericText(value))
          throw argumentError(call, args, index, 'is not a number');
        return arg;
      case 'temporal':
        return this.temporalArgument(arg, call, args, index);
      case 'json':
        if (arg.type !== 'json' && arg.type !== 'string' && arg.type !== 'unknown') {
          throw argumentError(call, args, index, `must be JSON or JSON text, not ${arg.type}`);
        }
        if (typeof value === 'string') {
          try {
            JSON.parse(value);
          } catch {
            throw argumentError(call, args, index, 'is not valid JSON');
          }
        }
        return arg;
      case 'zone':
        if (value !== undefined && !isNull(value) && !timeZone(toText(value))) {
          throw argumentError(
            call,
            args,
            index,
            "is not a time zone (use an IANA name such as 'Asia/Shanghai', or '+08:00')",
          );
        }
        return arg;
      default:
        return arg;
    }
  }

  private temporalArgument(arg: Node, call: Call, args: Node[], index: number): Node {
    if (isTemporal(arg.type) || arg.type === 'unknown' || arg.interval) return arg;
    const value = arg.constant?.value;
    if (typeof value === 'string') {
      const date = toDate(value);
      if (!date) throw argumentError(call, args, index, 'is not a date or timestamp');
      return DATE_TEXT.test(value.trim())
        ? constant(value.trim(), 'date', arg.label, arg.position)
        : constant(date, 'timestamp', arg.label, arg.position);
    }
    const hint =
      arg.type === 'string'
        ? `: convert text with CAST(${arg.label} AS TIMESTAMP) or TO_TIMESTAMP(${arg.label}, format)`
        : '';
    throw argumentError(call, args, index, `must be a date or timestamp, not ${arg.type}${hint}`);
  }

  /** A value used with INTERVAL must be a date or timestamp (a text literal is read as one). */
  private temporal(value: Node, what: string): Node {
    return this.temporalArgument(
      value,
      { name: what, position: value.position, label: value.label },
      [value],
      0,
    );
  }
}
