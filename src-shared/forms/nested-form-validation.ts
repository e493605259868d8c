import { Validator } from '@cfworker/json-schema';
import {
  chooseVariant,
  isPlainObject,
  isVariableRef,
  isVariantUnion,
  literalOptions,
  variantDiscriminator,
  type FieldPath,
  type FormNode,
  type JsonSchema,
  type Literal,
  type PathKey,
} from './nested-form-model';

/*
 * Checks a component's section against its JSON Schema as the user types, and says each problem at
 * the field it is about.
 *
 * The validator is @cfworker/json-schema, which interprets the schema: ajv compiles schemas to
 * functions with `new Function`, which the studio's Content-Security-Policy (no 'unsafe-eval')
 * refuses in the renderer. The server still checks the whole config with ajv (the `problems`).
 *
 * Before checking, the schema is *resolved against the value*: each union of object variants is
 * replaced by the variant the value is in (the one the form shows), so the problems are those of
 * that variant and not a list of why every other variant does not fit either.
 */

export type IssueCode =
  | 'required'
  | 'type_integer'
  | 'type_number'
  | 'type_boolean'
  | 'type_text'
  | 'type_list'
  | 'type_map'
  | 'minimum'
  | 'maximum'
  | 'not_empty'
  | 'min_length'
  | 'max_length'
  | 'min_items'
  | 'max_items'
  | 'min_properties'
  | 'unique'
  | 'pattern'
  | 'one_of'
  | 'unknown_field'
  | 'invalid';

/** A problem with a field: one the form found (`code`), or one the server said (`message`). */
export interface FieldIssue {
  path: FieldPath;
  code?: IssueCode;
  /** `limit` for bounds, `options` (comma-separated) for one_of, `pattern`. */
  params?: Record<string, string | number>;
  message?: string;
}

const SCALAR_TYPES = ['string', 'number', 'integer', 'boolean'];

/** A relaxed `connection` beside a saved connection's `ref`: the fields written override the saved ones. */
function withRef(connection: JsonSchema | undefined): JsonSchema {
  const { required: _required, ...rest } = connection ?? { type: 'object', additionalProperties: false };
  return { ...rest, properties: { ...rest.properties, ref: { type: 'string', minLength: 1 } } };
}

/** `schema` with the unions of object variants replaced by the branch `value` is in, all the way down. */
export function resolveSchema(
  schema: JsonSchema,
  value: unknown,
  refFields: readonly string[] = [],
): JsonSchema {
  // `${VAR}` is substituted at run time: whatever the field wants, the text is not checked here.
  if (isVariableRef(value)) return {};
  if (isVariantUnion(schema)) {
    const { anyOf, ...outer } = schema;
    let branch = anyOf![chooseVariant(anyOf!, value)];
    // A discriminator naming no variant (`generator: nope`): say which values it may take.
    const discriminator = variantDiscriminator(anyOf!);
    const named = isPlainObject(value) && discriminator ? value[discriminator] : undefined;
    if (discriminator && named !== undefined && branch.properties?.[discriminator]?.const !== named) {
      const values = anyOf!.map((b) => b.properties?.[discriminator]?.const).filter((v) => v !== undefined);
      branch = { ...branch, properties: { ...branch.properties, [discriminator]: { enum: values } } };
    }
    return resolveSchema({ ...outer, ...branch }, value, refFields);
  }
  if (Array.isArray(value)) {
    const items = schema.items;
    if (!items || Array.isArray(items) || value.length === 0) return schema;
    // Each item resolved on its own (list items may be different variants): a tuple, item by item.
    return { ...schema, items: value.map((item) => resolveSchema(items, item)), additionalItems: items };
  }
  if (!isPlainObject(value)) return schema;
  const properties: Record<string, JsonSchema> = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const ref = key === 'connection' && isPlainObject(value[key]) && typeof value[key].ref === 'string';
    properties[key] = ref ? withRef(property) : resolveSchema(property, value[key]);
  }
  let required = schema.required;
  // A saved connection of a connector whose fields sit in the section itself (sqlite's `path`).
  if (
    schema.properties &&
    !schema.properties.connection &&
    isPlainObject(value.connection) &&
    'ref' in value.connection
  ) {
    properties.connection = { ...withRef(undefined), required: ['ref'] };
    required = required?.filter((key) => !refFields.includes(key));
  }
  // Map entries resolved one by one too, as named properties (the keys the patterns take).
  const patterns = Object.entries(schema.patternProperties ?? {}).map(
    ([pattern, entry]) => [new RegExp(pattern, 'u'), entry] as const,
  );
  for (const [key, entry] of Object.entries(value)) {
    if (properties[key]) continue;
    const match = patterns.find(([pattern]) => pattern.test(key));
    if (match) properties[key] = resolveSchema(match[1], entry);
  }
  const resolved: JsonSchema = { ...schema, properties };
  if (required) resolved.required = required;
  if (patterns.length > 0 && Object.keys(value).every((key) => key in properties))
    delete resolved.patternProperties;
  return resolved;
}

function decodePointer(pointer: string): string[] {
  const body = pointer.replace(/^#\/?/, '');
  if (body === '') return [];
  return body.split('/').map((token) => decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Pointer tokens as a field path: list positions become numbers. */
function fieldPath(tokens: string[], value: unknown): PathKey[] {
  const path: PathKey[] = [];
  let current = value;
  for (const token of tokens) {
    const key: PathKey = Array.isArray(current) ? Number(token) : token;
    path.push(key);
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<PathKey, unknown>)[key]
        : undefined;
  }
  return path;
}

function schemaAt(root: JsonSchema, tokens: string[]): unknown {
  let current: unknown = root;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

function typeCode(type: unknown): IssueCode {
  const name = Array.isArray(type) ? String(type[0]) : String(type);
  const codes: Record<string, IssueCode> = {
    integer: 'type_integer',
    number: 'type_number',
    boolean: 'type_boolean',
    string: 'type_text',
    array: 'type_list',
    object: 'type_map',
  };
  return codes[name] ?? 'invalid';
}

function optionsText(options: Literal[]): string {
  return options.map((option) => String(option)).join(', ');
}

/** Problems of `section` (a component's fields; `type` is allowed) by field, as the user types. */
export function validateSection(
  schema: JsonSchema,
  section: Record<string, unknown>,
  refFields: readonly string[] = [],
): FieldIssue[] {
  const { type: _type, ...fields } = section;
  const resolved = resolveSchema(schema, fields, refFields);
  const result = new Validator(resolved as never, '7', false).validate(fields);
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: FieldIssue) => {
    const key = `${issue.path.join('\u0000')}\u0001${issue.code ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push(issue);
  };
  for (const error of result.errors) {
    const keywordTokens = decodePointer(error.keywordLocation);
    // What is left of a union after resolving is a union of scalars: said once, by its `anyOf` error.
    if (keywordTokens.includes('anyOf') && error.keyword !== 'anyOf') continue;
    const instanceTokens = decodePointer(error.instanceLocation);
    const path = fieldPath(instanceTokens, fields);
    const parent = schemaAt(resolved, keywordTokens.slice(0, -1));
    const at: JsonSchema = isPlainObject(parent) ? parent : {};
    switch (error.keyword) {
      case 'properties':
      case 'patternProperties':
      case 'additionalProperties':
      case 'items':
      case 'additionalItems':
        break; // summaries of the errors inside them
      case 'false':
        add({ path, code: 'unknown_field' });
        break;
      case 'required': {
        const object = instanceTokens.reduce<unknown>(
          (value, token) => (value as Record<string, unknown> | undefined)?.[token],
          fields,
        );
        for (const key of at.required ?? [])
          if (!isPlainObject(object) || object[key] === undefined)
            add({ path: [...path, key], code: 'required' });
        break;
      }
      case 'type':
        add({ path, code: typeCode(at.type) });
        break;
      case 'minimum':
      case 'maximum':
        add({ path, code: error.keyword, params: { limit: Number(at[error.keyword]) } });
        break;
      case 'minLength':
        add(
          at.minLength === 1
            ? { path, code: 'not_empty' }
            : { path, code: 'min_length', params: { limit: Number(at.minLength) } },
        );
        break;
      case 'maxLength':
        add({ path, code: 'max_length', params: { limit: Number(at.maxLength) } });
        break;
      case 'minItems':
        add({ path, code: 'min_items', params: { limit: Number(at.minItems) } });
        break;
      case 'maxItems':
        add({ path, code: 'max_items', params: { limit: Number(at.maxItems) } });
        break;
      case 'minProperties':
        add({ path, code: 'min_properties', params: { limit: Number(at.minProperties) } });
        break;
      case 'uniqueItems':
        add({ path, code: 'unique' });
        break;
      case 'pattern':
        add({ path, code: 'pattern', params: { pattern: String(at.pattern) } });
        break;
      case 'enum':
      case 'const':
        add({ path, code: 'one_of', params: { options: optionsText((at.enum ?? [at.const]) as Literal[]) } });
        break;
      case 'anyOf': {
        const union = schemaAt(resolved, keywordTokens) as JsonSchema[] | undefined;
        const literals = literalOptions({ anyOf: union ?? [] });
        if (literals) add({ path, code: 'one_of', params: { options: optionsText(literals) } });
        else if ((union ?? []).every((branch) => SCALAR_TYPES.includes(String(branch.type))))
          add({
            path,
            code: 'one_of',
            params: { options: (union ?? []).map((b) => String(b.type)).join(', ') },
          });
        else add({ path, code: 'invalid' });
        break;
      }
      default:
        add({ path, code: 'invalid' });
    }
  }
  return issues;
}

function samePath(a: FieldPath, b: FieldPath): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => key === path[i]);
}

/** Kinds that show their inner values themselves (chips, a JSON text): they show the problems inside them too. */
function absorbs(node: FormNode): boolean {
  return node.kind === 'json' || node.kind === 'component' || (node.kind === 'list' && node.scalarItems);
}

/** Where each problem shows: under the deepest field it is at or inside, or above the form when none. */
export interface PlacedIssues {
  /** By `pathKey` of a node's path. */
  byField: Map<string, FieldIssue[]>;
  unplaced: FieldIssue[];
}

export function pathKey(path: FieldPath): string {
  return JSON.stringify(path);
}

export function placeIssues(nodes: readonly FormNode[], issues: readonly FieldIssue[]): PlacedIssues {
  const byField = new Map<string, FieldIssue[]>();
  const unplaced: FieldIssue[] = [];
  for (const issue of issues) {
    let holder: FormNode | undefined;
    let level: readonly FormNode[] = nodes;
    for (;;) {
      const inside = level.find((node) => startsWith(issue.path, node.path));
      if (!inside) break;
      holder = inside;
      if (samePath(inside.path, issue.path) || absorbs(inside)) break;
      level =
        inside.kind === 'variants'
          ? [inside.inner]
          : inside.kind === 'object'
            ? inside.fields
            : inside.kind === 'list'
              ? inside.items
              : inside.kind === 'map'
                ? inside.entries
                : [];
    }
    if (!holder) unplaced.push(issue);
    else byField.set(pathKey(holder.path), [...(byField.get(pathKey(holder.path)) ?? []), issue]);
  }
  return { byField, unplaced };
}
