/*
 * A component's JSON Schema as a tree of form fields over its current value. The schemas are
 * TypeBox output and nest: objects in objects, lists of objects, records (`patternProperties`),
 * unions of literals (enums) and unions of object variants (`query: { table } | { sql } | …`,
 * `columns[i]` by `generator`). The tree follows the value (one node per list item and map entry,
 * the variant the value is in), so it is rebuilt from the value on every change.
 *
 * Plain functions apart from React; edits are `{ path, value }` at the smallest path, so the YAML
 * document can change just that value and keep its comments elsewhere. Platform-free (src-shared)
 * so they are tested against the registry's own schemas (src-main/jobs/plugin-forms.test.ts); the
 * studio's form (src-renderer/forms/nested-schema-form.tsx) is their only other user.
 */

/** The part of JSON Schema the component schemas use. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  examples?: unknown[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema | JsonSchema[];
  additionalItems?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  uniqueItems?: boolean;
  pattern?: string;
}

export type PathKey = string | number;
/** A place in the component's section: `['query', 'columns', 2]`. */
export type FieldPath = readonly PathKey[];

/** A change to the section: `value` undefined removes the field (or list item). */
export interface FieldEdit {
  path: FieldPath;
  value: unknown;
}

export type Literal = string | number | boolean;

interface NodeBase {
  /** Property name, list index or map key. */
  key: PathKey;
  path: FieldPath;
  schema: JsonSchema;
  required: boolean;
  description?: string;
  default?: unknown;
  /** The schema's `examples`, as one-line text. */
  examples: string[];
  value: unknown;
}

export type FormNode =
  | (NodeBase & { kind: 'text'; secret: boolean; multiline: boolean })
  | (NodeBase & { kind: 'integer' | 'number'; minimum?: number; maximum?: number })
  | (NodeBase & { kind: 'boolean' })
  | (NodeBase & { kind: 'enum'; options: Literal[] })
  /** A string, number or boolean (driver options): typed text read as what it looks like. */
  | (NodeBase & { kind: 'scalar'; secret: boolean })
  | (NodeBase & { kind: 'object'; fields: FormNode[]; ref?: string })
  /** One of several shapes: a choice of variant, then the chosen variant's own node (`inner`). */
  | (NodeBase & { kind: 'variants'; variants: Variant[]; chosen: number; inner: FormNode })
  /** `scalarItems`: text or numbers (chips, or rows of text when `multiline`); else objects (sub-forms). */
  | (NodeBase & {
      kind: 'list';
      item: JsonSchema;
      scalarItems: boolean;
      multiline: boolean;
      items: FormNode[];
    })
  | (NodeBase & { kind: 'map'; entrySchema: JsonSchema; entries: FormNode[] })
  /** A nested component (a branch's output or processors): edited on its own node of the flow. */
  | (NodeBase & { kind: 'component' })
  /** A value of a shape this form does not lay out, edited as JSON text. */
  | (NodeBase & { kind: 'json' });

export type FormNodeKind = FormNode['kind'];

/** One alternative of a union of objects. */
export interface Variant {
  /** What picks it: its discriminator's value (`sequence`), else the key only it requires (`sql`). */
  label: string;
  /** Else what it is: text, a number, a choice of values, a list, a map, an object. */
  shape?: 'text' | 'number' | 'choice' | 'list' | 'map' | 'object';
  schema: JsonSchema;
}

export interface FormOptions {
  /** Fields the connector's saved connections keep secret (`password`), beside the names that say so. */
  secretFields?: readonly string[];
  /**
   * Fields of the section a saved connection fills when `connection: { ref }` is written beside
   * them (sqlite's `path`): not required then.
   */
  refFields?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Values

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `${VAR}` or `${VAR:-default}` somewhere in a string: substituted at run time, so kept as text. */
export function isVariableRef(value: unknown): boolean {
  return typeof value === 'string' && /\$\{[^}]+\}/.test(value);
}

const SECRET_NAME =
  /(password|passwd|secret|token|credential|authorization|(^|[_-])(api|access|private)[_-]?key$)/i;

/** Whether a field or map key names a secret (`password`, `api_token`, `Authorization`). */
export function isSecretName(name: string, secretFields: readonly string[] = []): boolean {
  return secretFields.includes(name) || SECRET_NAME.test(name);
}

/** Text fields (and lists of text) whose values are SQL or long text: edited in text areas. */
const MULTILINE_FIELDS = new Set(['sql', 'condition', 'when', 'filter', 'body', 'pre_sql', 'post_sql']);

export function getIn(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathKey, unknown>)[key];
  }
  return current;
}

/** A copy of `value` with `path` set (or removed when `next` is undefined); missing levels are created. */
export function setIn(value: unknown, path: FieldPath, next: unknown): unknown {
  if (path.length === 0) return next;
  const [key, ...rest] = path;
  if (typeof key === 'number') {
    const list = Array.isArray(value) ? [...(value as unknown[])] : [];
    const child = setIn(list[key], rest, next);
    if (child === undefined && rest.length === 0) list.splice(key, 1);
    else list[key] = child;
    return list;
  }
  const object = isPlainObject(value) ? { ...value } : {};
  const child = setIn(object[key], rest, next);
  if (child === undefined) delete object[key];
  else object[key] = child;
  return object;
}

/** A value as an input shows it. */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * What typed text means for a field: nothing (remove the field), a number or boolean where the
 * field takes one, else the text itself. Text that is not the number a field wants is kept as
 * text (marked invalid), never dropped; `${VAR}` stays text whatever the field.
 */
export function valueOfText(kind: FormNodeKind, text: string): unknown {
  if (text.trim() === '') return undefined;
  if (isVariableRef(text)) return text;
  const trimmed = text.trim();
  if (kind === 'integer' || kind === 'number') return NUMBER_TEXT.test(trimmed) ? Number(trimmed) : text;
  if (kind === 'scalar') {
    if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
    return NUMBER_TEXT.test(trimmed) ? Number(trimmed) : text;
  }
  if (kind === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Schema shapes

/** The values of a union of literals (`anyOf: [{ const }]`) or an `enum`, else null. */
export function literalOptions(schema: JsonSchema): Literal[] | null {
  const values = schema.enum ?? schema.anyOf?.map((branch) => ('const' in branch ? branch.const : undefined));
  if (!values || values.length === 0) return null;
  return values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    ? (values as Literal[])
    : null;
}

function isObjectSchema(schema: JsonSchema): boolean {
  return schema.type === 'object' || schema.properties !== undefined;
}

const SCALAR_TYPES = ['string', 'number', 'integer', 'boolean'];

/** A union of plain types (`string | number | boolean`): one input, the text read as what it looks like. */
export function isScalarUnion(schema: JsonSchema): boolean {
  return (
    (schema.anyOf?.length ?? 0) > 0 &&
    schema.anyOf!.every((branch) => branch.const === undefined && SCALAR_TYPES.includes(String(branch.type)))
  );
}

/**
 * A union of shapes the form shows one at a time: objects told apart by a field
 * (`query: { table } | { sql }`), or different shapes (`name: path` or `name: { path, type }`).
 */
export function isVariantUnion(schema: JsonSchema): boolean {
  return (schema.anyOf?.length ?? 0) > 0 && literalOptions(schema) === null && !isScalarUnion(schema);
}

/** A section of another component (an open object with a `type`): it has its own node. */
export function isComponentSchema(schema: JsonSchema): boolean {
  return (
    schema.type === 'object' && schema.additionalProperties === true && schema.properties?.type !== undefined
  );
}

/** The schema of a record's values (`patternProperties` or an `additionalProperties` schema), else null. */
export function mapEntrySchema(schema: JsonSchema): JsonSchema | null {
  if (!isObjectSchema(schema) || Object.keys(schema.properties ?? {}).length > 0) return null;
  const patterns = Object.values(schema.patternProperties ?? {});
  if (patterns.length > 0) return patterns[0];
  if (isPlainObject(schema.additionalProperties)) return schema.additionalProperties as JsonSchema;
  return schema.type === 'object' && schema.additionalProperties !== false ? {} : null;
}

type Shape = 'object' | 'array' | 'scalar';

function shapeOfSchema(schema: JsonSchema): Shape {
  if (isObjectSchema(schema)) return 'object';
  return schema.type === 'array' ? 'array' : 'scalar';
}

function shapeOfValue(value: unknown): Shape | undefined {
  if (value === undefined || value === null) return undefined;
  return isPlainObject(value) ? 'object' : Array.isArray(value) ? 'array' : 'scalar';
}

/** A property every object branch fixes to a value of its own (`type`, `generator`), if any. */
export function variantDiscriminator(branches: JsonSchema[]): string | undefined {
  const objects = branches.filter((branch) => shapeOfSchema(branch) === 'object');
  if (objects.length < 2) return undefined;
  return Object.keys(objects[0].properties ?? {}).find((key) => {
    const values = objects.map((branch) => branch.properties?.[key]?.const);
    return values.every((v) => v !== undefined) && new Set(values).size === objects.length;
  });
}

function variantsOf(branches: JsonSchema[]): Variant[] {
  const discriminator = variantDiscriminator(branches);
  return branches.map((branch, i) => {
    if (literalOptions(branch)) return { label: '', shape: 'choice', schema: branch };
    if (branch.type === 'array') return { label: '', shape: 'list', schema: branch };
    if (shapeOfSchema(branch) === 'scalar')
      return { label: '', shape: branch.type === 'string' ? 'text' : 'number', schema: branch };
    if (mapEntrySchema(branch)) return { label: '', shape: 'map', schema: branch };
    const fixed = discriminator ? branch.properties?.[discriminator]?.const : undefined;
    if (fixed !== undefined) return { label: String(fixed), schema: branch };
    const own = (branch.required ?? []).find((key) =>
      branches.every((other, j) => j === i || !(other.required ?? []).includes(key)),
    );
    return own ? { label: own, schema: branch } : { label: '', shape: 'object', schema: branch };
  });
}

/**
 * The branch a value is in: one of its shape; among objects the one its discriminator names, else
 * the one whose required keys it has and that knows most of its keys; the first when nothing tells.
 */
export function chooseVariant(branches: JsonSchema[], value: unknown): number {
  const shape = shapeOfValue(value);
  const candidates = branches.map((_, i) => i).filter((i) => shapeOfSchema(branches[i]) === shape);
  if (candidates.length === 0) return 0;
  if (candidates.length === 1) return candidates[0];
  if (shape === 'scalar') {
    const literal = candidates.find((i) => literalOptions(branches[i])?.includes(value as Literal));
    const typed = candidates.find((i) => branches[i].type === typeof value);
    return literal ?? typed ?? candidates[0];
  }
  if (shape !== 'object') return candidates[0];
  const object = value as Record<string, unknown>;
  const discriminator = variantDiscriminator(branches);
  if (discriminator) {
    const at = candidates.find(
      (i) => branches[i].properties?.[discriminator]?.const === object[discriminator],
    );
    return at ?? candidates[0];
  }
  const keys = Object.keys(object);
  let best = candidates[0];
  let bestScore = -Infinity;
  for (const i of candidates) {
    const branch = branches[i];
    const known = keys.filter((key) => branch.properties?.[key] !== undefined).length;
    const missing = (branch.required ?? []).filter((key) => !(key in object)).length;
    const score = known - 2 * missing - (keys.length - known);
    if (score > bestScore) [best, bestScore] = [i, score];
  }
  return best;
}

/** A value for a new field or item of this schema: its default, else the least that fills its required parts. */
export function emptyValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.const !== undefined) return schema.const;
  const options = literalOptions(schema);
  if (options) return options[0];
  if (isVariantUnion(schema)) return emptyValue(schema.anyOf![0]);
  if (isObjectSchema(schema)) {
    const object: Record<string, unknown> = {};
    for (const key of schema.required ?? []) {
      const property = schema.properties?.[key];
      // A nested component (a branch's output) is added on the canvas, as its own node.
      if (property && !isComponentSchema(property)) object[key] = emptyValue(property);
    }
    return object;
  }
  if (schema.type === 'array') return [];
  if (schema.type === 'boolean') return false;
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 0;
  return '';
}

// ---------------------------------------------------------------------------------------------
// The tree

function exampleTexts(schema: JsonSchema): string[] {
  return (schema.examples ?? []).map((example) =>
    typeof example === 'string' ? example : JSON.stringify(example),
  );
}

function base(
  key: PathKey,
  path: FieldPath,
  schema: JsonSchema,
  value: unknown,
  required: boolean,
): NodeBase {
  return {
    key,
    path,
    schema,
    required,
    ...(schema.description !== undefined ? { description: schema.description } : {}),
    ...(schema.default !== undefined ? { default: schema.default } : {}),
    examples: exampleTexts(schema),
    value,
  };
}

/** The fields of an object schema over `value`, in declaration order (`hidden` keys left out). */
function objectFields(
  schema: JsonSchema,
  value: unknown,
  path: FieldPath,
  options: FormOptions,
  notRequired: readonly string[] = [],
  hidden: readonly string[] = [],
): FormNode[] {
  const object = isPlainObject(value) ? value : {};
  return Object.entries(schema.properties ?? {})
    .filter(([name]) => !hidden.includes(name))
    .map(([name, property]) =>
      buildNode(
        name,
        [...path, name],
        property,
        object[name],
        (schema.required ?? []).includes(name) && !notRequired.includes(name),
        options,
      ),
    );
}

/** One node of the tree for the value at `path`. */
export function buildNode(
  key: PathKey,
  path: FieldPath,
  schema: JsonSchema,
  value: unknown,
  required: boolean,
  options: FormOptions = {},
  hidden: readonly string[] = [],
): FormNode {
  const at = base(key, path, schema, value, required);
  const name = typeof key === 'string' ? key : '';
  if (isComponentSchema(schema)) return { ...at, kind: 'component' };
  const literals = literalOptions(schema);
  if (literals) return { ...at, kind: 'enum', options: literals };
  if (isVariantUnion(schema)) {
    const { anyOf, ...outer } = schema;
    const chosen = chooseVariant(anyOf!, value);
    const discriminator = variantDiscriminator(anyOf!);
    // The variant's own node, with the union's description and default where it has none.
    const inner = buildNode(key, path, { ...outer, ...anyOf![chosen] }, value, required, options, [
      ...(discriminator ? [discriminator] : []),
    ]);
    return { ...at, kind: 'variants', variants: variantsOf(anyOf!), chosen, inner };
  }
  if (isScalarUnion(schema))
    return { ...at, kind: 'scalar', secret: isSecretName(name, options.secretFields) };
  switch (schema.type) {
    case 'string':
      return {
        ...at,
        kind: 'text',
        secret: isSecretName(name, options.secretFields),
        multiline: MULTILINE_FIELDS.has(name),
      };
    case 'integer':
    case 'number':
      return {
        ...at,
        kind: schema.type,
        ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}),
        ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
      };
    case 'boolean':
      return { ...at, kind: 'boolean' };
    case 'array': {
      const item = (Array.isArray(schema.items) ? undefined : schema.items) ?? {};
      if (isComponentSchema(item)) return { ...at, kind: 'component' };
      const list = Array.isArray(value) ? (value as unknown[]) : [];
      const scalarItems =
        literalOptions(item) !== null ||
        isScalarUnion(item) ||
        ['string', 'integer', 'number'].includes(String(item.type));
      return {
        ...at,
        kind: 'list',
        item,
        scalarItems,
        multiline: MULTILINE_FIELDS.has(name),
        items: list.map((entry, i) => buildNode(i, [...path, i], item, entry, true, options)),
      };
    }
  }
  const entrySchema = mapEntrySchema(schema);
  if (entrySchema) {
    const map = isPlainObject(value) ? value : {};
    return {
      ...at,
      kind: 'map',
      entrySchema,
      entries: Object.entries(map).map(([entryKey, entry]) =>
        buildNode(entryKey, [...path, entryKey], entrySchema, entry, true, options),
      ),
    };
  }
  if (isObjectSchema(schema)) {
    // Beside a saved connection's `ref`, the fields only override the saved ones; and the fields
    // of an optional object not written are only required once it is: none is required then.
    const ref = name === 'connection' && isPlainObject(value) ? value.ref : undefined;
    const saved = typeof ref === 'string';
    const relaxed = saved || (value === undefined && !required);
    return {
      ...at,
      kind: 'object',
      fields: objectFields(schema, value, path, options, relaxed ? (schema.required ?? []) : [], hidden),
      ...(saved ? { ref } : {}),
    };
  }
  return { ...at, kind: 'json' };
}

/** A saved connection's name, when the section (or an object in it) says `connection: { ref }`. */
export function connectionRef(value: unknown): string | undefined {
  const connection = isPlainObject(value) ? value.connection : undefined;
  const ref = isPlainObject(connection) ? connection.ref : undefined;
  return typeof ref === 'string' ? ref : undefined;
}

/** The form of a component: its schema's top-level fields over its section (`type` is the node's own). */
export function formTree(schema: JsonSchema, section: unknown, options: FormOptions = {}): FormNode[] {
  const refFilled = connectionRef(section) !== undefined ? (options.refFields ?? []) : [];
  return objectFields(schema, section, [], options, refFilled);
}

// ---------------------------------------------------------------------------------------------
// Edits

/**
 * The value after switching to another variant: an object keeps the keys the new variant knows
 * (text becomes the new object's first required text field: `name: $.a` → `name: { path: $.a }`).
 */
export function switchVariant(node: Extract<FormNode, { kind: 'variants' }>, index: number): unknown {
  const target = node.variants[index].schema;
  const next = emptyValue(target);
  if (!isPlainObject(next)) return next;
  if (isPlainObject(node.value)) {
    for (const [key, value] of Object.entries(node.value))
      if (target.properties?.[key] !== undefined && target.properties[key].const === undefined)
        next[key] = value;
  } else if (typeof node.value === 'string') {
    const first = (target.required ?? []).find((key) => target.properties?.[key]?.type === 'string');
    if (first) next[first] = node.value;
  }
  return next;
}

function listOf(node: FormNode): unknown[] {
  return Array.isArray(node.value) ? (node.value as unknown[]) : [];
}

/** Appends an item: the item's own path when the list exists, else the list with it. */
export function addItemEdit(node: FormNode, item: unknown): FieldEdit {
  const list = listOf(node);
  return list.length === 0
    ? { path: node.path, value: [item] }
    : { path: [...node.path, list.length], value: item };
}

/** Removes an item; an optional list left empty is removed with it. */
export function removeItemEdit(node: FormNode, index: number): FieldEdit {
  const list = listOf(node);
  if (list.length <= 1 && !node.required) return { path: node.path, value: undefined };
  return { path: [...node.path, index], value: undefined };
}

/** Moves an item to another place: the list is written in its new order. */
export function moveItemEdit(node: FormNode, from: number, to: number): FieldEdit {
  const list = [...listOf(node)];
  const [item] = list.splice(from, 1);
  list.splice(Math.max(0, Math.min(to, list.length)), 0, item);
  return { path: node.path, value: list };
}

/** Renames a map key where it stands (the map is written whole: a key cannot be changed alone). */
export function renameKeyEdit(node: FormNode, from: string, to: string): FieldEdit {
  const map = isPlainObject(node.value) ? node.value : {};
  const next: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) next[key === from ? to : key] = value;
  return { path: node.path, value: next };
}

/** Removes a map entry; an optional map left empty is removed with it. */
export function removeKeyEdit(node: FormNode, key: string): FieldEdit {
  const map = isPlainObject(node.value) ? node.value : {};
  if (Object.keys(map).length <= 1 && !node.required) return { path: node.path, value: undefined };
  return { path: [...node.path, key], value: undefined };
}

/** `query.columns[2]`: a path as config paths are written. */
export function pathText(path: FieldPath): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key),
    '',
  );
}

/** Every node of a tree, depth first. */
export function* walkNodes(nodes: readonly FormNode[]): Generator<FormNode> {
  for (const node of nodes) {
    yield node;
    if (node.kind === 'object') yield* walkNodes(node.fields);
    else if (node.kind === 'variants') yield* walkNodes([node.inner]);
    else if (node.kind === 'list') yield* walkNodes(node.items);
    else if (node.kind === 'map') yield* walkNodes(node.entries);
  }
}
