/*
 * A flat JSON Schema object (a connection's fields) as form fields, and form values back to a
 * config. Plain functions, so the rules are unit-tested apart from React.
 */

export type FieldKind = 'text' | 'integer' | 'number' | 'boolean' | 'enum' | 'map';

export interface FormField {
  name: string;
  kind: FieldKind;
  required: boolean;
  /** Masked, never pre-filled: the API does not return secrets. */
  secret: boolean;
  description?: string;
  default?: unknown;
  options?: string[];
  minimum?: number;
  maximum?: number;
}

/** What a form holds per field: text as typed, or a checkbox's state. */
export type FormValues = Record<string, string | boolean>;

interface PropertySchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  anyOf?: { const?: unknown }[];
  minimum?: number;
  maximum?: number;
}

function kindOf(property: PropertySchema): { kind: FieldKind; options?: string[] } {
  const literals = property.enum ?? property.anyOf?.map((alternative) => alternative.const);
  if (literals && literals.every((v) => typeof v === 'string'))
    return { kind: 'enum', options: literals as string[] };
  if (property.type === 'boolean') return { kind: 'boolean' };
  if (property.type === 'integer') return { kind: 'integer' };
  if (property.type === 'number') return { kind: 'number' };
  if (property.type === 'object') return { kind: 'map' };
  return { kind: 'text' };
}

/** The fields of an object schema, in declaration order. */
export function formFields(schema: unknown, secretFields: readonly string[]): FormField[] {
  const object = schema as { properties?: Record<string, PropertySchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    ...kindOf(property),
    required: object.required?.includes(name) ?? false,
    secret: secretFields.includes(name),
    ...(property.description !== undefined ? { description: property.description } : {}),
    ...(property.default !== undefined ? { default: property.default } : {}),
    ...(property.minimum !== undefined ? { minimum: property.minimum } : {}),
    ...(property.maximum !== undefined ? { maximum: property.maximum } : {}),
  }));
}

/** `key=value` lines of a map field; values that read as numbers or booleans become them. */
function parseMap(text: string): Record<string, string | number | boolean> {
  const map: Record<string, string | number | boolean> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const value = line.slice(at + 1).trim();
    map[line.slice(0, at).trim()] =
      value === 'true'
        ? true
        : value === 'false'
          ? false
          : value !== '' && Number.isFinite(Number(value))
            ? Number(value)
            : value;
  }
  return map;
}

/** A stored config as form values (secrets stay empty: they are never sent back). */
export function configToValues(fields: FormField[], config: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const value = config[field.name];
    if (field.secret || value === undefined || value === null) continue;
    if (field.kind === 'boolean') values[field.name] = value === true;
    else if (field.kind === 'map' && typeof value === 'object') {
      values[field.name] = Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join('\n');
    } else values[field.name] = String(value as string | number);
  }
  return values;
}

/**
 * Form values as a config: empty fields left out (so defaults apply and an untouched secret keeps
 * its saved value), numbers as numbers, map lines as a record.
 */
export function valuesToConfig(fields: FormField[], values: FormValues): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined) continue;
    if (field.kind === 'boolean') {
      if (value === true) config[field.name] = true;
      continue;
    }
    const text = String(value);
    if (text.trim() === '') continue;
    if (field.kind === 'integer' || field.kind === 'number') config[field.name] = Number(text);
    else if (field.kind === 'map') config[field.name] = parseMap(text);
    else config[field.name] = field.secret ? text : text.trim();
  }
  return config;
}

/**
 * Problems the form can see as the user types, by field: a required field left empty (a secret
 * that is already saved does not need retyping), a number that is not one or out of range.
 */
export function fieldProblems(
  fields: FormField[],
  values: FormValues,
  savedSecrets: readonly string[] = [],
): Record<string, 'required' | 'integer' | 'number' | 'range'> {
  const problems: Record<string, 'required' | 'integer' | 'number' | 'range'> = {};
  for (const field of fields) {
    const text = typeof values[field.name] === 'string' ? (values[field.name] as string).trim() : '';
    if (field.kind === 'boolean') continue;
    if (text === '') {
      if (field.required && !(field.secret && savedSecrets.includes(field.name)))
        problems[field.name] = 'required';
      continue;
    }
    if (field.kind !== 'integer' && field.kind !== 'number') continue;
    const number = Number(text);
    if (!Number.isFinite(number)) problems[field.name] = 'number';
    else if (field.kind === 'integer' && !Number.isInteger(number)) problems[field.name] = 'integer';
    else if (
      (field.minimum !== undefined && number < field.minimum) ||
      (field.maximum !== undefined && number > field.maximum)
    )
      problems[field.name] = 'range';
  }
  return problems;
}
