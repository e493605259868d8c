import { FieldError } from './component';

/** Errors of a run tagged with the part of the pipeline they came from (`pipeline.processors[1]: …`). */

/** An error tagged with the part of the pipeline it came from. */
export class StageError extends Error {
  constructor(place: string, cause: unknown) {
    super(locatedMessage(place, cause), { cause });
    this.name = 'StageError';
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `place: message`, or `place.field: message` for a `FieldError`. */
export function locatedMessage(place: string, error: unknown): string {
  if (error instanceof FieldError) {
    const separator = error.path.startsWith('[') ? '' : '.';
    return `${place}${separator}${error.path}: ${error.message}`;
  }
  return `${place}: ${messageOf(error)}`;
}

/** The error located at `place`, unless an inner stage located it already. */
export function atStage(place: string, error: unknown): Error {
  return error instanceof StageError ? error : new StageError(place, error);
}
