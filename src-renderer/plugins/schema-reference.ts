/*
 * A component's JSON Schema as a field reference a person reads: one row per field, nested fields
 * indented under their parent, with type, required, default, allowed values, limits, description
 * and examples. Plain functions over the schema, so the rules are unit-tested apart from React.
 */

/** A bound the schema sets: `{ kind: 'minimum', value: 1 }` is `≥ 1`. */
export interface Limit {
  kind:
    | 'minimum'
    | 'exclusive_minimum'
    | 'maximum'
    | 'exclusive_maximum'
    | 'min_length'
    | 'max_length'
    | 'min_items'
    | 'max_items'
    | 'min_entries';
  value: number;
}

/** One row of the reference table. */
export interface ReferenceRow {
  /** Unique in the table: the field's place (`columns[].name`, `query<sql>.sql`). */
  key: string;
  /** Nesting level: 0 for the component's own fields. */
  depth: number;
  /** The field's name; a form row (`variant`) names the form instead (`generator: sequence`). */
  name: string;
  /** A heading for one form of a field that takes several (an object chosen by its `generator`). */
  variant: boolean;
  /** In a notation that reads the same in every language: `string`, `object[]`, `map<string>`, `string | object`. */
  type: string;
  required: boolean;
  /** The default, as it would be written in YAML. */
  default?: string;
  /** The only values allowed. */
  values?: string[];
  /** Bounds on the value, its length or its number of items (the page words them). */
  limits: Limit[];
  description?: string;
  examples: string[];
}

interface Node {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Node[];
  oneOf?: Node[];
  properties?: Record<string, Node>;
  patternProperties?: Record<string, Node>;
  additionalProperties?: boolean | Node;
  items?: Node;
  required?: string[];
  examples?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
}

/** Deep enough for every real schema; stops a self-referencing one from running away. */
const MAX_DEPTH = 8;

function asNode(value: unknown): Node {
  return typeof value === 'object' && value !== null ? (value as Node) : {};
}

/** A value as it would be written in YAML: text bare (quoted when empty), the rest as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

function alternativesOf(node: Node): Node[] | undefined {
  return node.anyOf ?? node.oneOf;
}

/** The values a node allows when it allows only fixed ones (`enum`, `const`, a union of `const`s). */
function fixedValues(node: Node): unknown[] | undefined {
  if (node.enum) return node.enum;
  if (node.const !== undefined) return [node.const];
  const alternatives = alternativesOf(node);
  if (!alternatives) return undefined;
  const values: unknown[] = [];
  for (const alternative of alternatives) {
    const own = fixedValues(alternative);
    if (!own) return undefined;
    values.push(...own);
  }
  return values;
}

/** The value schema of a map (`patternProperties` or an `additionalProperties` schema). */
function mapValues(node: Node): Node | undefined {
  const pattern = node.patternProperties && Object.values(node.patternProperties)[0];
  if (pattern) return pattern;
  return typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
}

function isObject(node: Node): boolean {
  return node.type === 'object' || node.properties !== undefined;
}

/** A short name for a node's type. */
export function typeLabel(node: Node): string {
  const fixed = fixedValues(node);
  if (fixed) {
    const kinds = [...new Set(fixed.map((value) => (value === null ? 'null' : typeof value)))];
    return kinds.join(' | ');
  }
  const alternatives = alternativesOf(node);
  if (alternatives) return [...new Set(alternatives.map(typeLabel))].join(' | ');
  if (Array.isArray(node.type)) return node.type.join(' | ');
  if (node.type === 'array') {
    const items = node.items ? typeLabel(node.items) : 'any';
    return items.includes(' ') ? `(${items})[]` : `${items}[]`;
  }
  if (isObject(node)) {
    const values = mapValues(node);
    if (values && !node.properties) return `map<${typeLabel(values)}>`;
    return 'object';
  }
  return node.type ?? 'any';
}

function limitsOf(node: Node): Limit[] {
  const bounds: [Limit['kind'], number | undefined][] = [
    ['minimum', node.minimum],
    ['exclusive_minimum', node.exclusiveMinimum],
    ['maximum', node.maximum],
    ['exclusive_maximum', node.exclusiveMaximum],
    // Nearly every text field is at least 1 long: saying so on each would hide the limits that matter.
    ['min_length', node.minLength !== undefined && node.minLength > 1 ? node.minLength : undefined],
    ['max_length', node.maxLength],
    ['min_items', node.minItems],
    ['max_items', node.maxItems],
    ['min_entries', node.minProperties],
  ];
  return bounds.flatMap(([kind, value]) => (value === undefined ? [] : [{ kind, value }]));
}

/** The object alternatives of a union of objects, when every alternative is one. */
function objectForms(node: Node): Node[] | undefined {
  const alternatives = alternativesOf(node);
  if (!alternatives || alternatives.length < 2 || !alternatives.every(isObject)) return undefined;
  return alternatives;
}

/** The field every form fixes to its own value (`generator`, `type`), if there is one. */
function discriminator(forms: Node[]): string | undefined {
  const first = forms[0].properties ?? {};
  return Object.keys(first).find((key) => forms.every((form) => form.properties?.[key]?.const !== undefined));
}

/** What a node holds beneath it: its own fields, an array's item fields, a map's value fields. */
function innerObject(node: Node): Node | undefined {
  if (node.type === 'array' && node.items) return innerObject(node.items) ?? node.items;
  const values = isObject(node) && !node.properties ? mapValues(node) : undefined;
  if (values) return innerObject(values) ?? values;
  const alternatives = alternativesOf(node);
  if (alternatives && !objectForms(node)) {
    // `string | { path, type }`: the object form carries the fields to list.
    const objects = alternatives.filter((alternative) => isObject(alternative) && alternative.properties);
    return objects.length === 1 ? objects[0] : undefined;
  }
  return isObject(node) ? node : undefined;
}

/** Where a node's children sit in the key: `columns[]`, `fields{}`, `query`. */
function childBase(key: string, node: Node): string {
  if (node.type === 'array') return `${key}[]`;
  if (isObject(node) && !node.properties && mapValues(node)) return `${key}{}`;
  return key;
}

function fieldRow(key: string, name: string, node: Node, required: boolean, depth: number): ReferenceRow {
  const fixed = fixedValues(node);
  const examples = node.examples ?? (node.type === 'array' ? node.items?.examples : undefined) ?? [];
  return {
    key,
    depth,
    name,
    variant: false,
    type: typeLabel(node),
    required,
    ...(node.default !== undefined ? { default: formatValue(node.default) } : {}),
    ...(fixed && fixed.length > 0 ? { values: fixed.map(formatValue) } : {}),
    limits: limitsOf(node),
    ...(node.description ? { description: node.description } : {}),
    examples: examples.map(formatValue),
  };
}

/** The rows of an object's fields (and of the forms of a union of objects) at `depth`. */
function objectRows(node: Node, base: string, depth: number): ReferenceRow[] {
  if (depth > MAX_DEPTH) return [];
  const forms = objectForms(node);
  if (forms) return formRows(forms, base, depth);
  const object = innerObject(node);
  if (!object) return [];
  if (object !== node && objectForms(object)) return formRows(objectForms(object) ?? [], base, depth);
  const rows: ReferenceRow[] = [];
  for (const [name, child] of Object.entries(object.properties ?? {})) {
    const key = base ? `${base}.${name}` : name;
    rows.push(fieldRow(key, name, child, object.required?.includes(name) ?? false, depth));
    rows.push(...objectRows(child, childBase(key, child), depth + 1));
  }
  return rows;
}

/**
 * A union of objects: the fields every form shares once, then a heading per form (named by the
 * field that tells them apart, else by its required fields) with the fields only it has.
 */
function formRows(forms: Node[], base: string, depth: number): ReferenceRow[] {
  const tag = discriminator(forms);
  const same = (name: string) =>
    name !== tag &&
    forms.every(
      (form) => JSON.stringify(form.properties?.[name]) === JSON.stringify(forms[0].properties?.[name]),
    );
  const shared = Object.keys(forms[0].properties ?? {}).filter(same);
  const rows = objectRows(pick(forms[0], shared), base, depth);
  forms.forEach((form, index) => {
    const label =
      tag !== undefined
        ? `${tag}: ${formatValue(form.properties?.[tag]?.const)}`
        : `{ ${(form.required ?? Object.keys(form.properties ?? {}).slice(0, 1)).join(', ')} }`;
    const key = `${base}<${index}>`;
    const tagNode = tag !== undefined ? form.properties?.[tag] : undefined;
    rows.push({
      key,
      depth,
      name: label,
      variant: true,
      type: 'object',
      required: false,
      limits: [],
      ...((tagNode?.description ?? form.description)
        ? { description: tagNode?.description ?? form.description }
        : {}),
      examples: [],
    });
    const own = Object.keys(form.properties ?? {}).filter((name) => name !== tag && !shared.includes(name));
    rows.push(...objectRows(pick(form, own), key, depth + 1));
  });
  return rows;
}

/** An object schema with only the named fields. */
function pick(form: Node, names: string[]): Node {
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, form.properties?.[name] ?? {}])),
    required: (form.required ?? []).filter((name) => names.includes(name)),
  };
}

/** The reference rows of a component's JSON Schema, in declaration order. */
export function fieldReference(schema: unknown): ReferenceRow[] {
  return objectRows(asNode(schema), '', 0);
}
