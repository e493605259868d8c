import type { TSchema } from '@sinclair/typebox';

/**
 * One StudioApi method: its HTTP method and path (under `/api/v1`), input and output schema.
 * HTTP mapping: `:name` path segments come from the input field of that name; the other
 * input fields travel in the query string for GET/DELETE and in a JSON body otherwise.
 */
export interface RouteDef<I extends TSchema = TSchema, O extends TSchema = TSchema> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  input: I;
  output: O;
  summary: string;
}

/** Declares a route, keeping its schemas' types (each area's routes file uses it). */
export function route<I extends TSchema, O extends TSchema>(def: RouteDef<I, O>): RouteDef<I, O> {
  return def;
}
