import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { routeNames, routes, type RouteInput, type RouteName } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';

/**
 * Validation of StudioApi inputs at the boundary, shared by the HTTP server and the
 * Electron IPC handlers, so both transports accept exactly the same calls.
 */

/**
 * Where an input came from: `query` inputs arrive as strings, so values are coerced to
 * the schema's types (`limit=5` → 5); `json` inputs (bodies, IPC) must already be typed.
 */
export type InputSource = 'json' | 'query';

/** One rejected field, as sent in a 400 answer's `details`. */
export interface InputProblem {
  path: string;
  message: string;
}

type Validators = Record<RouteName, ValidateFunction>;

function compileAll(coerce: boolean): Validators {
  const ajv = new Ajv({ allErrors: true, coerceTypes: coerce, strict: false });
  addFormats(ajv);
  return Object.fromEntries(routeNames.map((name) => [name, ajv.compile(routes[name].input)])) as Validators;
}

let compiled: Record<InputSource, Validators> | null = null;

function validators(source: InputSource): Validators {
  compiled ??= { json: compileAll(false), query: compileAll(true) };
  return compiled[source];
}

function describe(error: ErrorObject): InputProblem {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') {
    const field = String((error.params as { missingProperty: string }).missingProperty);
    return { path: path ? `${path}.${field}` : field, message: 'is required' };
  }
  return { path: path || '(input)', message: error.message ?? 'is invalid' };
}

/**
 * Checks `input` against the route's schema and returns it typed; throws
 * `ApiError('bad_request')` listing every problem in `details` otherwise.
 * With source `query` the object is coerced in place.
 */
export function validateInput<N extends RouteName>(
  name: N,
  input: unknown,
  source: InputSource = 'json',
): RouteInput<N> {
  const validate = validators(source)[name];
  if (validate(input)) return input as RouteInput<N>;
  const problems = (validate.errors ?? []).map(describe);
  const summary = problems.map((p) => `${p.path} ${p.message}`).join('; ');
  throw new ApiError('bad_request', `invalid input for ${name}: ${summary}`, problems);
}
