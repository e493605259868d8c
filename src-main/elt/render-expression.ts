import {
  argumentsOf,
  functionNameOf,
  LITERAL_MARK,
  parseExpression,
  referencedName,
  type ExprNode,
  type ParsedExpression,
} from '../engine/expression/parse';
import { quoteIdent as quotePg } from '../../connectors/postgresql/identifiers';
import { quoteIdent as quoteMysql } from '../../connectors/mysql/identifiers';
import { quoteIdent as quoteSqlite } from '../../connectors/sqlite/reader';

/*
 * ELT mode renders our SQL expressions as the target database's SQL. The rows never pass through
 * the engine, so the database's semantics are the semantics: what is rendered is what the user
 * wrote, spelled the database's way; what has no faithful spelling is refused with the reason.
 */

/** The SQL outputs ELT mode runs in. */
export type EltDialect = 'postgresql' | 'mysql' | 'sqlite';

export const ELT_DIALECTS: readonly EltDialect[] = ['postgresql', 'mysql', 'sqlite'];

/** The database's name in messages. */
export const DIALECT_NAMES: Record<EltDialect, string> = {
  postgresql: 'PostgreSQL',
  mysql: 'MySQL',
  sqlite: 'SQLite',
};

/** Quotes a column name the dialect's way. */
export function quoteColumn(dialect: EltDialect, name: string): string {
  return dialect === 'postgresql'
    ? quotePg(name)
    : dialect === 'mysql'
      ? quoteMysql(name)
      : quoteSqlite(name);
}

/** An expression ELT mode cannot render: why, and where in the expression (1-based), when known. */
export class NotRenderable extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'NotRenderable';
  }
}

const call = (name: string) => (args: string[]) => `${name}(${args.join(', ')})`;

/** The functions ELT mode renders, each as the dialect spells it. */
const FUNCTIONS: Record<string, (args: string[], dialect: EltDialect) => string> = {
  UPPER: call('UPPER'),
  LOWER: call('LOWER'),
  TRIM: call('TRIM'),
  COALESCE: call('COALESCE'),
  IFNULL: call('COALESCE'),
  NULLIF: call('NULLIF'),
  ABS: call('ABS'),
  CONCAT: call('CONCAT'),
  REPLACE: call('REPLACE'),
  // MySQL's LENGTH counts bytes; CHAR_LENGTH counts characters as PostgreSQL's and SQLite's LENGTH do.
  LENGTH: (args, dialect) => call(dialect === 'mysql' ? 'CHAR_LENGTH' : 'LENGTH')(args),
  CHAR_LENGTH: (args, dialect) => call(dialect === 'mysql' ? 'CHAR_LENGTH' : 'LENGTH')(args),
  // The grammar reads `NOT (a = b)` as a call.
  NOT: (args) => `(NOT ${args.join(', ')})`,
};

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);

/**
 * Renders one expression for `dialect`, a column reference becoming `columnSql(name)` (the
 * staging column, or the expression a previous step computed for that name), parenthesised.
 */
export function renderExpression(
  source: string,
  dialect: EltDialect,
  columnSql: (name: string, offset?: number) => string,
): string {
  const parsed = parseExpression(source);
  return new Renderer(parsed, dialect, columnSql).render(parsed.ast);
}

class Renderer {
  constructor(
    private readonly parsed: ParsedExpression,
    private readonly dialect: EltDialect,
    private readonly columnSql: (name: string, offset?: number) => string,
  ) {}

  private refuse(node: ExprNode, message: string): never {
    throw new NotRenderable(message, this.parsed.positionOf(node));
  }

  private text(value: string): string {
    // MySQL reads backslashes in string literals as escapes: doubled, they stand for themselves.
    const escaped = this.dialect === 'mysql' ? value.replaceAll('\\', '\\\\') : value;
    return `'${escaped.replaceAll("'", "''")}'`;
  }

  render(node: ExprNode): string {
    switch (node.type) {
      case 'column_ref':
        return this.columnRef(node);
      case 'single_quote_string':
      case 'natural_string':
      case 'string':
        return this.text(String(node.value).replaceAll("''", "'"));
      case 'double_quote_string':
        return this.columnSql(String(node.value), this.parsed.positionOf(node));
      case 'number':
      case 'bigint':
        return String(node.value);
      case 'bool':
        return node.value ? 'TRUE' : 'FALSE';
      case 'null':
        return 'NULL';
      case 'unary_expr':
        return this.unary(node);
      case 'binary_expr':
        return this.binary(node);
      case 'case':
        return this.caseWhen(node);
      case 'function':
        return this.call(node);
      case 'cast':
        return this.refuse(node, 'CAST is not rendered in ELT mode (type names differ between databases)');
      default:
        return this.refuse(node, `${node.type.replaceAll('_', ' ')} is not rendered in ELT mode`);
    }
  }

  private columnRef(node: ExprNode): string {
    const name = referencedName(node);
    if (!name.startsWith(LITERAL_MARK)) return this.columnSql(name, this.parsed.positionOf(node));
    const literal = this.parsed.literals[Number(name.slice(1))];
    switch (literal.kind) {
      case 'number':
        return literal.value;
      case 'string':
      case 'quoted':
        return this.text(literal.value);
      case 'date':
      case 'timestamp':
        if (this.dialect === 'sqlite')
          throw new NotRenderable(`${literal.text}: SQLite has no typed date literals`, literal.position);
        return `${literal.kind.toUpperCase()} ${this.text(literal.value)}`;
      default:
        throw new NotRenderable(
          `${literal.text}: ${literal.kind} literals are not rendered in ELT mode`,
          literal.position,
        );
    }
  }

  private unary(node: ExprNode): string {
    const operand = this.render(node.expr as ExprNode);
    const op = node.operator?.toUpperCase();
    if (op === 'NOT' || op === '!') return `(NOT ${operand})`;
    if (op === '-') return `(-${operand})`;
    if (op === '+') return operand;
    return this.refuse(node, `operator ${node.operator} is not rendered in ELT mode`);
  }

  private binary(node: ExprNode): string {
    const op = (node.operator ?? '').toUpperCase();
    const left = this.render(node.left as ExprNode);
    const right = node.right as ExprNode;
    if (op === 'IS' || op === 'IS NOT') {
      if (right.type !== 'null') return this.refuse(node, `${op} is only rendered with NULL in ELT mode`);
      return `(${left} ${op} NULL)`;
    }
    if (op === 'IN' || op === 'NOT IN') {
      const items = right.type === 'expr_list' ? ((right.value as ExprNode[] | undefined) ?? []) : [];
      if (items.length === 0) return this.refuse(node, `${op} needs a list of values`);
      return `(${left} ${op} (${items.map((item) => this.render(item)).join(', ')}))`;
    }
    if (op === 'BETWEEN' || op === 'NOT BETWEEN') {
      const [low, high] = (right.value as ExprNode[] | undefined) ?? [];
      return `(${left} ${op} ${this.render(low)} AND ${this.render(high)})`;
    }
    if (op === 'LIKE' || op === 'NOT LIKE') {
      if (node.right?.escape) return this.refuse(node, 'LIKE … ESCAPE is not rendered in ELT mode');
      return `(${left} ${op} ${this.render(right)})`;
    }
    if (op === 'RLIKE' || op === 'NOT RLIKE') {
      // ILIKE, renamed before parsing (see parse.ts). SQLite's LIKE already ignores ASCII case.
      const not = op === 'NOT RLIKE' ? 'NOT ' : '';
      const pattern = this.render(right);
      if (this.dialect === 'postgresql') return `(${left} ${not}ILIKE ${pattern})`;
      if (this.dialect === 'mysql') return `(LOWER(${left}) ${not}LIKE LOWER(${pattern}))`;
      return `(${left} ${not}LIKE ${pattern})`;
    }
    const rendered = this.render(right);
    if (op === '||')
      // MySQL reads `||` as OR: its concatenation is CONCAT.
      return this.dialect === 'mysql' ? `CONCAT(${left}, ${rendered})` : `(${left} || ${rendered})`;
    if (op === 'AND' || op === 'OR') return `(${left} ${op} ${rendered})`;
    if (COMPARISONS.has(op)) return `(${left} ${op === '!=' ? '<>' : op} ${rendered})`;
    if (ARITHMETIC.has(op)) return `(${left} ${op} ${rendered})`;
    return this.refuse(node, `operator ${op} is not rendered in ELT mode`);
  }

  private caseWhen(node: ExprNode): string {
    const args = (node.args as unknown as ExprNode[] | undefined) ?? [];
    const subject = node.expr ? ` ${this.render(node.expr)}` : '';
    const parts = args.map((arg) =>
      arg.type === 'when'
        ? `WHEN ${this.render(arg.cond as ExprNode)} THEN ${this.render(arg.result as ExprNode)}`
        : `ELSE ${this.render(arg.result as ExprNode)}`,
    );
    return `(CASE${subject} ${parts.join(' ')} END)`;
  }

  private call(node: ExprNode): string {
    const name = functionNameOf(node.name);
    const renderCall = FUNCTIONS[name];
    if (!renderCall)
      return this.refuse(node, `${name} has no ${DIALECT_NAMES[this.dialect]} equivalent in ELT mode`);
    return renderCall(
      argumentsOf(node).map((arg) => this.render(arg)),
      this.dialect,
    );
  }
}
