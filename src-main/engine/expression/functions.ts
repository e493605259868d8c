import type { SqlFunction } from './function-kit';
import { MATH_FUNCTIONS } from './functions-math';
import { MISC_FUNCTIONS } from './functions-misc';
import { TEXT_FUNCTIONS } from './functions-text';
import { TIME_FUNCTIONS } from './functions-time';

export type { ArgKind, Call, SqlFunction } from './function-kit';
export type { Evaluate, ValueType } from './node';

/**
 * Every function expressions may call, by upper-case name. Adding a function means adding an
 * entry to one of the groups: argument kinds (checked against the schema when compiling),
 * result type, an example (docs show it, `functions.test.ts` checks it) and a `compile`.
 */
export const FUNCTIONS: Record<string, SqlFunction> = {
  ...TEXT_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...TIME_FUNCTIONS,
  ...MISC_FUNCTIONS,
};
