import type { ComponentKind, ComponentSpec } from '../engine/component';
import { publishedSchema } from '../jobs/plugins';
import type { SpecLookup } from './component-fields';
import { ENV_REFERENCE } from './substitute-env';
import { CONDITIONAL, PipelineTopLevel } from './validate';

/*
 * The JSON Schema of a pipeline file as written, for editors (monaco-yaml's completion, hover and
 * squiggles): the top level of `validate.ts` with `input`, every processor, `output` and the
 * branches of a `conditional` each checked against the enabled components' own schemas, chosen
 * by `type`. `validatePipeline` stays the judge (it runs after `extends`, `${VAR}` and
 * `connection: { ref }` are resolved); this schema accepts those as written so that a valid file
 * shows no squiggle.
 *
 * Components are told apart by `if: { type: const } then: <its schema>`, one per component:
 * yaml-language-server (monaco-yaml 5) then completes every type name and the fields of the type
 * written, heads the hover with the component, and reports only that component's errors. Tried
 * against a `oneOf` of the components, which offered only some type names after `type: `, said
 * `Value must be "filter"` of any unknown type and flagged a section without `type` yet for the
 * fields of another component.
 */

export type JsonSchema = { [keyword: string]: unknown };

const isSchema = (value: unknown): value is JsonSchema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const copyOf = (value: unknown): JsonSchema => JSON.parse(JSON.stringify(value)) as JsonSchema;

const ref = (definition: string, description?: string): JsonSchema => ({
  $ref: `#/definitions/${definition}`,
  ...(description ? { description } : {}),
});

const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'];
const SCHEMA_VALUES = ['additionalProperties', 'not', 'if', 'then', 'else', 'contains'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf'];

/** `change` applied to every subschema of `schema`, innermost first, then to `schema` itself. */
function mapSchemas(schema: JsonSchema, change: (schema: JsonSchema) => JsonSchema): JsonSchema {
  const each = (value: unknown) => (isSchema(value) ? mapSchemas(value, change) : value);
  const out: JsonSchema = { ...schema };
  for (const key of SCHEMA_MAPS)
    if (isSchema(out[key]))
      out[key] = Object.fromEntries(Object.entries(out[key]).map(([name, value]) => [name, each(value)]));
  for (const key of SCHEMA_VALUES) if (key in out) out[key] = each(out[key]);
  for (const key of SCHEMA_LISTS) if (Array.isArray(out[key])) out[key] = out[key].map(each);
  if ('items' in out) out.items = Array.isArray(out.items) ? out.items.map(each) : each(out.items);
  return change(out);
}

/**
 * TypeBox writes a union of literals as `anyOf: [{ const }, …]`; as an `enum` the editor says
 * "Valid values: …" of a wrong one instead of "Value must be <the first>".
 */
function literalsAsEnum(schema: JsonSchema): JsonSchema {
  const options = schema.anyOf;
  const isLiteral = (option: unknown) =>
    isSchema(option) && 'const' in option && Object.keys(option).every((k) => k === 'const' || k === 'type');
  if (!Array.isArray(options) || options.length === 0 || !options.every(isLiteral)) return schema;
  const literals = options as JsonSchema[];
  const { anyOf: _anyOf, ...rest } = schema;
  const types = new Set(literals.map((literal) => literal.type));
  return {
    ...rest,
    ...(types.size === 1 && literals[0].type !== undefined ? { type: literals[0].type } : {}),
    enum: literals.map((literal) => literal.const),
  };
}

/**
 * A required field with a default may be left out: validation fills defaults in before it checks
 * `required` (ajv's `useDefaults`, see component-fields.ts), so the editor must not ask for it.
 */
function defaultsFilledIn(schema: JsonSchema): JsonSchema {
  const { required, properties } = schema;
  if (!Array.isArray(required) || !isSchema(properties)) return schema;
  const hasDefault = (name: string) => isSchema(properties[name]) && 'default' in properties[name];
  return { ...schema, required: (required as string[]).filter((name) => !hasDefault(name)) };
}

/**
 * Descriptions quote names and values in backticks (`new_name: source_name`): as Markdown the
 * editor shows them as code, where it would show a plain description's backticks escaped.
 */
function describedInMarkdown(schema: JsonSchema): JsonSchema {
  const { description } = schema;
  if (typeof description !== 'string' || !description.includes('`') || 'markdownDescription' in schema)
    return schema;
  return { ...schema, markdownDescription: description };
}

/** Keywords that describe a value rather than constrain it: they stay where hover and completion read them. */
const ANNOTATIONS = ['title', 'description', 'markdownDescription', 'default', 'examples'];
const SCALAR_TYPES = new Set(['integer', 'number', 'boolean', 'null']);

/**
 * `${VAR}` may stand for any value (`port: ${PG_PORT}`, `mode: ${MODE}`): the loader substitutes it
 * before validation. A scalar type, enum or const becomes "the constraint, or else a reference"; the
 * two never both hold, so as a `oneOf` yaml-language-server keeps the constraint's own message, hover
 * and completion (an `anyOf` would title the hover "X || X", an `if`/`else` hide the enum from
 * completion). Text constraints (`pattern`) stay as they are: a reference may well meet them.
 */
function acceptingEnvReferences(schema: JsonSchema): JsonSchema {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const scalarOnly = schema.type !== undefined && types.every((type) => SCALAR_TYPES.has(String(type)));
  if (!('enum' in schema) && !('const' in schema) && !scalarOnly) return schema;
  const annotations: JsonSchema = {};
  const constraint: JsonSchema = {};
  for (const [key, value] of Object.entries(schema))
    (ANNOTATIONS.includes(key) ? annotations : constraint)[key] = value;
  return { ...annotations, oneOf: [constraint, ref('env_reference')] };
}

/** A schema as an editor should see it: literal unions as enums, defaults optional, `${VAR}` accepted for any value. */
function asWritten(schema: unknown): JsonSchema {
  const plain = mapSchemas(copyOf(schema), (s) => defaultsFilledIn(literalsAsEnum(s)));
  return mapSchemas(plain, acceptingEnvReferences);
}

const SAVED_CONNECTION_REF: JsonSchema = {
  type: 'string',
  minLength: 1,
  description:
    'Name of a saved connection: its fields fill this connection; fields written beside `ref` override them.',
};

/**
 * `connection: { ref: name }` as `connection-refs.ts` resolves it: for a `connection` placement the
 * fields beside `ref` are optional overrides; for a `root` placement (sqlite's `path`) the saved
 * fields move to `connection`, and the component's own are required only without one.
 */
function withSavedConnection(spec: ComponentSpec, schema: JsonSchema): JsonSchema {
  const saved = spec.savedConnection;
  if (!saved) return schema;
  const properties = isSchema(schema.properties) ? schema.properties : {};
  if (saved.placement === 'connection') {
    const connection = properties.connection;
    if (!isSchema(connection) || !isSchema(connection.properties)) return schema;
    const { required, ...open } = connection;
    const fields = {
      ...open,
      properties: { ref: SAVED_CONNECTION_REF, ...connection.properties },
      ...(Array.isArray(required) ? { if: { required: ['ref'] }, else: { required } } : {}),
    };
    return { ...schema, properties: { ...properties, connection: fields } };
  }
  const savedProperties = (asWritten(saved.schema).properties ?? {}) as JsonSchema;
  const savedFields = Object.keys(savedProperties);
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const connection: JsonSchema = {
    type: 'object',
    description: 'A saved connection by name (`ref`) instead of the fields it holds.',
    properties: { ref: SAVED_CONNECTION_REF, ...savedProperties },
    required: ['ref'],
    additionalProperties: false,
  };
  const whenUnsaved = required.filter((field) => savedFields.includes(field));
  return {
    ...schema,
    properties: { ...properties, connection },
    required: required.filter((field) => !savedFields.includes(field)),
    ...(whenUnsaved.length > 0 ? { if: { required: ['connection'] }, else: { required: whenUnsaved } } : {}),
  };
}

/** A `conditional`'s branches take the processors (none of them a `conditional`) and outputs of the registry. */
function withBranchComponents(schema: JsonSchema): JsonSchema {
  const withComponents = (branch: unknown): unknown => {
    if (!isSchema(branch) || !isSchema(branch.properties)) return branch;
    const { processors, output } = branch.properties;
    const items = isSchema(processors) ? { ...processors, items: ref('branch_processor') } : processors;
    const out = isSchema(output) ? ref('output', output.description as string | undefined) : output;
    return { ...branch, properties: { ...branch.properties, processors: items, output: out } };
  };
  const properties = schema.properties as JsonSchema;
  const branches = properties.branches;
  return {
    ...schema,
    properties: {
      ...properties,
      branches: isSchema(branches) ? { ...branches, items: withComponents(branches.items) } : branches,
      else: withComponents(properties.else),
    },
  };
}

/** One component's section: `type` fixed to its name, then its own fields (a processor's with `on_error`). */
function componentSchema(spec: ComponentSpec): JsonSchema {
  let schema = withSavedConnection(spec, asWritten(publishedSchema(spec)));
  if (spec.kind === 'processor' && spec.name === CONDITIONAL) schema = withBranchComponents(schema);
  // `type` is the section's; a component field of that name could never be set.
  const { type: _own, ...fields } = (schema.properties ?? {}) as JsonSchema;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return {
    ...schema,
    title: spec.title,
    description: spec.description,
    properties: { type: { const: spec.name, title: spec.title, description: spec.description }, ...fields },
    required: ['type', ...required.filter((field) => field !== 'type')],
  };
}

const SECTION_DESCRIPTIONS: Record<ComponentKind, string> = {
  input: 'Where rows come from: one input, chosen by `type`, with that input’s fields.',
  processor: 'A step rows go through, chosen by `type`, with that processor’s fields.',
  output: 'Where rows are written: one output, chosen by `type`, with that output’s fields.',
};

const SECTION_TITLES: Record<ComponentKind, string> = {
  input: 'Input',
  processor: 'Processor',
  output: 'Output',
};

/**
 * A component section: a `type` naming one of `specs`, and then that component's schema. An
 * unknown `type` is left to `validatePipeline` (its message says which types exist, nearest first,
 * or that the component is disabled); an `enum` here would also list every type in each hover.
 */
function componentSection(kind: ComponentKind, specs: ComponentSpec[]): JsonSchema {
  return {
    type: 'object',
    title: SECTION_TITLES[kind],
    description: SECTION_DESCRIPTIONS[kind],
    required: ['type'],
    allOf: specs.map((spec) => ({
      if: {
        // `type: object`: an empty list item (`- `) is no section of every type. The title and
        // description label the completion that writes `type: <name>` into a new section.
        type: 'object',
        title: spec.title,
        description: spec.description,
        properties: { type: { const: spec.name } },
        required: ['type'],
      },
      then: ref(componentDefinition(spec)),
    })),
  };
}

/** Where a component's schema sits in `definitions` (once, however many sections take it). */
const componentDefinition = (spec: ComponentSpec) => `${spec.kind}.${spec.name}`;

const EXTENDS: JsonSchema = {
  type: 'string',
  minLength: 1,
  description:
    'A base pipeline file (relative to this one): its sections are merged under this file’s, which win.',
};

/** Without `extends` the sections are required; `output` only when no `conditional` (its branches have outputs). */
const REQUIRED_SECTIONS: JsonSchema = {
  if: { required: ['extends'] },
  else: {
    required: ['version', 'input'],
    if: {
      required: ['pipeline'],
      properties: {
        pipeline: {
          required: ['processors'],
          properties: {
            processors: {
              contains: { required: ['type'], properties: { type: { const: CONDITIONAL } } },
            },
          },
        },
      },
    },
    else: { required: ['output'] },
  },
};

/** The top level, its component sections pointing at the component unions. */
function topLevel(): JsonSchema {
  const { required: _required, ...schema } = asWritten(PipelineTopLevel);
  const properties = schema.properties as JsonSchema;
  const pipeline = properties.pipeline as JsonSchema;
  const pipelineFields = pipeline.properties as JsonSchema;
  return {
    ...schema,
    properties: {
      extends: EXTENDS,
      ...properties,
      input: ref('input'),
      pipeline: {
        ...pipeline,
        properties: {
          ...pipelineFields,
          processors: { ...(pipelineFields.processors as JsonSchema), items: ref('processor') },
        },
      },
      output: ref('output'),
    },
    ...REQUIRED_SECTIONS,
  };
}

const KINDS: ComponentKind[] = ['input', 'processor', 'output'];

/** The enabled components of a kind, in palette order. */
function enabled(registry: SpecLookup, kind: ComponentKind): ComponentSpec[] {
  return registry.names(kind).flatMap((name) => registry.get(kind, name) ?? []);
}

/**
 * The pipeline's JSON Schema (draft-07) over the components enabled now: computed per call (about
 * 10 ms, 100 kB for the shipped components), so enabling or disabling a component shows in the next
 * editor that asks.
 */
export function pipelineJsonSchema(registry: SpecLookup): JsonSchema {
  const [inputs, processors, outputs] = KINDS.map((kind) => enabled(registry, kind));
  const schema: JsonSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...topLevel(),
    definitions: {
      // No description: hover and completion show the field's own.
      env_reference: { type: 'string', pattern: ENV_REFERENCE },
      input: componentSection('input', inputs),
      processor: componentSection('processor', processors),
      branch_processor: componentSection(
        'processor',
        processors.filter((spec) => spec.name !== CONDITIONAL),
      ),
      output: componentSection('output', outputs),
      ...Object.fromEntries(
        [...inputs, ...processors, ...outputs].map((spec) => [
          componentDefinition(spec),
          componentSchema(spec),
        ]),
      ),
    },
  };
  return mapSchemas(schema, describedInMarkdown);
}
