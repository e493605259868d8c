import type { Row } from '../../src-main/engine/batch';
import { FieldError, type ProcessContext } from '../../src-main/engine/component';

/** Helpers for processor tests. */

/** A process context that keeps what the processor rejected: the row and the error's message. */
export function collectingContext(): ProcessContext & { rejected: { row: Row; error: string }[] } {
  const rejected: { row: Row; error: string }[] = [];
  return {
    rejected,
    reject(row, error) {
      rejected.push({ row, error: error instanceof Error ? error.message : String(error) });
    },
  };
}

/** The `FieldError` `fn` throws (a test fails when it throws something else, or nothing). */
export function fieldErrorOf(fn: () => unknown): FieldError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FieldError) return error;
    throw error;
  }
  throw new Error('expected a FieldError');
}
