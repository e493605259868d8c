import { folded, isFalseOf, isTrueOf, type Evaluate, type Node } from './node';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once (see node.ts).
const { isNull, toBool } = valuesModule;

/**
 * AND, OR, XOR, NOT and IS with SQL's three-valued logic (`NULL AND FALSE` is FALSE,
 * `NULL OR FALSE` is NULL). Each builds both its value and the `isTrue`/`isFalse` tests a
 * filter needs, so `a > 0 AND b <> 'x'` as a condition is two typed tests and one `&&`.
 */

function logicNode(
  evaluate: Evaluate,
  parts: Node[],
  label: string,
  tests: Pick<Node, 'isTrue' | 'isFalse'>,
): Node {
  return folded(
    {
      evaluate,
      type: 'bool',
      pure: parts.every((p) => p.pure),
      label,
      position: parts[0].position,
      ...tests,
    },
    parts,
  );
}

/** A constant TRUE or FALSE, for the shortcuts `FALSE AND x` = FALSE and `TRUE OR x` = TRUE. */
function isConstant(node: Node, value: boolean): boolean {
  return node.constant !== undefined && toBool(node.constant.value) === value;
}

export function and(left: Node, right: Node, label: string): Node {
  if (isConstant(left, false)) return left;
  if (isConstant(right, false)) return right;
  const readLeft = left.evaluate;
  const readRight = right.evaluate;
  const leftTrue = isTrueOf(left);
  const rightTrue = isTrueOf(right);
  const leftFalse = isFalseOf(left);
  const rightFalse = isFalseOf(right);
  return logicNode(
    (row) => {
      const a = toBool(readLeft(row));
      if (a === false) return false;
      const b = toBool(readRight(row));
      if (b === false) return false;
      return a === null || b === null ? null : true;
    },
    [left, right],
    label,
    { isTrue: (row) => leftTrue(row) && rightTrue(row), isFalse: (row) => leftFalse(row) || rightFalse(row) },
  );
}

export function or(left: Node, right: Node, label: string): Node {
  if (isConstant(left, true)) return left;
  if (isConstant(right, true)) return right;
  const readLeft = left.evaluate;
  const readRight = right.evaluate;
  const leftTrue = isTrueOf(left);
  const rightTrue = isTrueOf(right);
  const leftFalse = isFalseOf(left);
  const rightFalse = isFalseOf(right);
  return logicNode(
    (row) => {
      const a = toBool(readLeft(row));
      if (a === true) return true;
      const b = toBool(readRight(row));
      if (b === true) return true;
      return a === null || b === null ? null : false;
    },
    [left, right],
    label,
    { isTrue: (row) => leftTrue(row) || rightTrue(row), isFalse: (row) => leftFalse(row) && rightFalse(row) },
  );
}

export function xor(left: Node, right: Node, label: string): Node {
  const readLeft = left.evaluate;
  const readRight = right.evaluate;
  const evaluate: Evaluate = (row) => {
    const a = toBool(readLeft(row));
    if (a === null) return null;
    const b = toBool(readRight(row));
    return b === null ? null : a !== b;
  };
  return logicNode(evaluate, [left, right], label, {
    isTrue: (row) => evaluate(row) === true,
    isFalse: (row) => evaluate(row) === false,
  });
}

export function not(operand: Node, label: string): Node {
  const read = operand.evaluate;
  return logicNode(
    (row) => {
      const b = toBool(read(row));
      return b === null ? null : !b;
    },
    [operand],
    label,
    { isTrue: isFalseOf(operand), isFalse: isTrueOf(operand) },
  );
}

/** What IS tests: IS NULL, IS TRUE, IS FALSE, IS UNKNOWN (the same as IS NULL for a boolean). */
export type IsTest = 'NULL' | 'TRUE' | 'FALSE';

/** Compiles `operand IS [NOT] NULL|TRUE|FALSE|UNKNOWN`: never NULL itself. */
export function is(operand: Node, test: IsTest, negate: boolean, label: string): Node {
  const read = operand.evaluate;
  let evaluate: (row: unknown[]) => boolean;
  if (test === 'NULL') evaluate = negate ? (row) => !isNull(read(row)) : (row) => isNull(read(row));
  else {
    const matches = test === 'TRUE' ? isTrueOf(operand) : isFalseOf(operand);
    evaluate = negate ? (row) => !matches(row) : matches;
  }
  return logicNode(evaluate, [operand], label, { isTrue: evaluate, isFalse: (row) => !evaluate(row) });
}
