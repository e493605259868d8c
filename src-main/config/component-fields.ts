import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { ComponentKind, ComponentSpec } from '../engine/component';
import type { ComponentConfig } from '../../src-shared/config/pipeline';
import { schemaIssues, type SchemaIssue } from './schema-errors';

/** The part of the component registry config checking needs (`createRegistry` provides it). */
export interface SpecLookup {
  get(kind: ComponentKind, name: string): ComponentSpec | undefined;
  names(kind: ComponentKind): string[];
  closest(kind: ComponentKind, name: string, max?: number): string[];
  /** Whether a component exists but is switched off in the settings. */
  isDisabled?(kind: ComponentKind, name: string): boolean;
}

let ajv: Ajv | undefined;
const validators = new WeakMap<TSchema, ValidateFunction>();

/** One ajv for all config schemas, made on first use (keeps importing the config module cheap). */
function sharedAjv(): Ajv {
  if (!ajv) {
    // useDefaults: components receive their config with schema defaults filled in.
    ajv = new Ajv({ allErrors: true, verbose: true, useDefaults: true, strict: false });
    addFormats(ajv);
  }
  return ajv;
}

/** The compiled validator of a schema, compiled once per schema object. */
export function validatorFor(schema: TSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = sharedAjv().compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/** Validates data against a schema; `value` is a copy with defaults applied. */
export function checkAgainst(schema: TSchema, data: unknown): { value: unknown; issues: SchemaIssue[] } {
  const value = structuredClone(data);
  const validate = validatorFor(schema);
  return validate(value)
    ? { value, issues: [] }
    : { value, issues: schemaIssues(validate.errors ?? [], value) };
}

/** A component's own fields (its config minus `type`) checked against its spec, with defaults applied. */
export function componentFields(
  spec: ComponentSpec,
  component: ComponentConfig,
): { config: Record<string, unknown>; issues: SchemaIssue[] } {
  const { type: _type, ...fields } = component;
  const { value, issues } = checkAgainst(spec.schema as TSchema, fields);
  return { config: value as Record<string, unknown>, issues };
}
