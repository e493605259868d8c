/**
 * A problem with an SQL expression found while compiling it: a syntax error, an unknown
 * column or function, a wrong argument count. `position` is the 1-based character offset
 * inside the expression's source when known, so an editor can underline it.
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
