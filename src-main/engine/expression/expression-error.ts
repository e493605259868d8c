/**
 * A problem with an SQL expression found while compiling it: a syntax error, an unknown
 * column or function, a wrong argument count, a type that does not fit. `position` is the
 * 1-based character offset inside the expression's source when known, so an editor can
 * underline it.
 */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/**
 * A row the expression cannot be evaluated on: division by zero, text that does not convert
 * (`CAST('abc' AS INT)`), invalid JSON, an unknown time zone read from the data. It concerns
 * one row, so processors treat it as a per-record error (skip it, dead-letter it or fail the
 * run); the message names the value and the part of the expression (`position`, 1-based).
 */
export class EvaluationError extends Error {
  constructor(
    message: string,
    public position?: number,
  ) {
    super(message);
    this.name = 'EvaluationError';
  }
}

/**
 * A part of the expression built only from literals fails whatever the row (`1 / 0`,
 * `CAST('abc' AS INT)`): reported when compiling, like any `ExpressionError`.
 */
export class ConstantError extends ExpressionError {}
