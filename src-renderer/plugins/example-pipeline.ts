import { Document, isMap as isYamlMap, isSeq } from 'yaml';
import type { ComponentKind } from '../../src-shared/api/model';

/*
 * "Open in designer" on the Plugins page: the smallest pipeline around one component example,
 * so the example can be seen, validated and run as a job.
 * - an input example reads into a JSON Lines file;
 * - a processor example gets a `generate` input with the columns the example refers to, and
 *   writes to a JSON Lines file;
 * - an output example gets the same `generate` input.
 * The columns are guessed from the example (names in its expressions and templates, the keys and
 * values of its maps), so the pipeline passes validation, which checks every column a step reads;
 * a guess that clashes with a column the step adds is dropped on the validator's word
 * (`examplePipelineFor`).
 */

/** A component example as `getPlugin` returns it. */
export interface ComponentExample {
  title: string;
  config: unknown;
}

/** What the pipeline is built around. */
export interface ExampleComponent {
  kind: ComponentKind;
  name: string;
  /** The component's JSON Schema: tells option names and fixed values from column names. */
  schema?: unknown;
}

/** Rows the generated input makes: enough to see a filter or an aggregate at work. */
export const EXAMPLE_ROWS = 100;

/** Words of SQL that are not column names. */
const SQL_WORDS = new Set(
  (
    'and or not in is null like ilike between case when then else end true false distinct as ' +
    'asc desc by interval date time timestamp all any some exists escape over partition'
  ).split(' '),
);

/**
 * Fields that never hold the row's columns: a component or value type, a label, and the places a
 * component reaches (a server, a table, a file, a statement).
 */
const NOT_COLUMN_FIELDS = new Set([
  'type',
  'name',
  'connection',
  'table',
  'tables',
  'path',
  'sql',
  'pre_sql',
  'post_sql',
  'headers',
]);

/** A single column name. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Characters that mark text as a path, pattern, format or URL rather than an SQL expression. */
const NOT_SQL = /[%/\\^${}@?[\]]/;

/**
 * Column names an SQL expression (or a bare name) reads: names not followed by `(` (functions),
 * outside quoted literals, not SQL words, not qualified (`public.orders` names a table).
 */
export function expressionColumns(text: string): string[] {
  // `{customer_id}` in a URL template names a column; `${VAR}` is an environment variable.
  const names = [...text.matchAll(/(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1]);
  const unquoted = text.replace(/'(?:[^']|'')*'/g, "''");
  if (NOT_SQL.test(unquoted)) return names;
  for (const match of unquoted.matchAll(/(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)(?![\w.(]|\s*\()/g)) {
    const name = match[1];
    if (!SQL_WORDS.has(name.toLowerCase())) names.push(name);
  }
  return names;
}

interface SchemaNode {
  type?: string;
  const?: unknown;
  default?: unknown;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
}

function asNode(schema: unknown): SchemaNode | undefined {
  return typeof schema === 'object' && schema !== null ? (schema as SchemaNode) : undefined;
}

/** Whether `value` is one the schema fixes or defaults to (`mode: exclude`, `rule: sum`): an option, not a name. */
function isFixedValue(node: SchemaNode | undefined, value: string): boolean {
  if (!node) return false;
  if (node.const === value || node.default === value || node.enum?.includes(value)) return true;
  return (node.anyOf ?? []).some((alternative) => isFixedValue(alternative, value));
}

/** The schema of an object's field `key`: a declared property, else the map's value schema. */
function fieldSchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!node) return undefined;
  for (const alternative of node.anyOf ?? []) {
    const found = fieldSchema(alternative, key);
    if (found) return found;
  }
  if (node.properties?.[key]) return node.properties[key];
  const pattern = node.patternProperties && Object.values(node.patternProperties)[0];
  if (pattern) return pattern;
  return typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
}

/** Whether the object's keys are names the user chose (a map), not option names the schema declares. */
function isMap(node: SchemaNode | undefined): boolean {
  if (!node) return false;
  if (node.patternProperties || typeof node.additionalProperties === 'object') return true;
  return (node.anyOf ?? []).some((alternative) => alternative.type === 'object' && isMap(alternative));
}

/**
 * Column names an example config refers to, first seen first. The keys of its maps count too:
 * some maps are keyed by the columns they read (`cast`, `merge.fields`), others by the columns
 * they add (`enrichment.fields`), which the example alone cannot tell apart.
 */
export function exampleColumns(config: unknown, schema?: unknown): string[] {
  const seen = new Set<string>();
  const visit = (value: unknown, node: SchemaNode | undefined) => {
    if (typeof value === 'string') {
      if (!isFixedValue(node, value)) for (const name of expressionColumns(value)) seen.add(name);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, node?.items ?? node);
    } else if (typeof value === 'object' && value !== null) {
      const map = isMap(node);
      for (const [key, item] of Object.entries(value)) {
        if (!map && NOT_COLUMN_FIELDS.has(key)) continue;
        if (map && NAME.test(key)) seen.add(key);
        visit(item, fieldSchema(node, key));
      }
    }
  };
  visit(config, asNode(schema));
  return [...seen];
}

/** A generator for a column, from what its name suggests, so the rows look like data of that kind. */
export function generatedColumn(name: string): Record<string, unknown> {
  const lower = name.toLowerCase();
  if (lower === 'id') return { name, generator: 'sequence' };
  if (/(^|_)(id|no|number|key)$/.test(lower)) return { name, generator: 'random_int', min: 1, max: 20 };
  if (/(qty|quantity|count|stock|score|age)$/.test(lower))
    return { name, generator: 'random_int', min: 0, max: 10 };
  if (/(price|amount|total|revenue|cost)$/.test(lower))
    return { name, generator: 'decimal', min: 1, max: 500, scale: 2 };
  // Epoch milliseconds between 2023 and 2025.
  if (/^(ts|epoch|.*_ms)$/.test(lower))
    return { name, generator: 'random_int', min: 1_672_531_200_000, max: 1_735_689_600_000 };
  // Times as text: what a CSV holds, and what examples that parse times start from.
  if (/(_at|_time|date|day|created|updated)$/.test(lower))
    return { name, generator: 'timestamp', type: 'string' };
  if (/^(items|lines|payload|data|body|json)$/.test(lower))
    return {
      name,
      generator: 'constant',
      type: 'json',
      value: '[{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}]',
    };
  if (lower === 'status') return { name, generator: 'choice', values: ['paid', 'pending', 'void'] };
  if (lower === 'region') return { name, generator: 'choice', values: ['EU', 'US', 'APAC'] };
  if (lower.includes('email'))
    return { name, generator: 'choice', values: ['ann@example.com', 'bo@test.example'] };
  return { name, generator: 'string', length: 8 };
}

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'example';
}

/** A job name for an example: `filter-example-2` (the component, the example's place in its list). */
export function exampleJobName(component: Pick<ExampleComponent, 'kind' | 'name'>, index: number): string {
  return `${component.name}-${component.kind}-example-${index + 1}`;
}

/** `base`, or `base-2`, `base-3` … the first that no job has taken yet. */
export function freeJobName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}-${n}`)) return `${base}-${n}`;
}

/** An example's section as the YAML holds it (`type` first), for showing beside its title. */
export function exampleSection(component: Pick<ExampleComponent, 'name'>, example: ComponentExample): string {
  const config = typeof example.config === 'object' && example.config !== null ? example.config : {};
  return new Document({ type: component.name, ...config }).toString({ lineWidth: 0 });
}

/**
 * `${VAR}` references become `${VAR:-}`: an unset variable is a validation error, and the job could
 * not be created to be looked at. The comment at the top says which to set before a run.
 */
function withEmptyDefaults(value: unknown, variables: Set<string>): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      variables.add(name);
      return `\${${name}:-}`;
    });
  if (Array.isArray(value)) return value.map((item) => withEmptyDefaults(item, variables));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withEmptyDefaults(item, variables)]),
    );
  return value;
}

/** A pipeline built around an example, and the input columns it generated for it. */
export interface ExampleDraft {
  yaml: string;
  columns: string[];
}

/**
 * The pipeline around one example of `component`, the job named `jobName`; `without` leaves
 * guessed columns out of the generated input.
 */
export function examplePipeline(
  component: ExampleComponent,
  example: ComponentExample,
  jobName: string,
  without: readonly string[] = [],
): ExampleDraft {
  const variables = new Set<string>();
  const raw = typeof example.config === 'object' && example.config !== null ? example.config : {};
  const config = withEmptyDefaults(raw, variables) as Record<string, unknown>;
  const step = { type: component.name, ...config };
  const fileOutput = { type: 'file', path: `output/${fileSafe(jobName)}.jsonl` };
  const guessed = exampleColumns(config, component.schema).filter((name) => !without.includes(name));
  const columns = component.kind === 'input' ? [] : ['id', ...guessed.filter((name) => name !== 'id')];
  const input = { type: 'generate', count: EXAMPLE_ROWS, seed: 1, columns: columns.map(generatedColumn) };
  const pipeline: Record<string, unknown> = {
    version: 1,
    job: { name: jobName, description: example.title },
  };
  if (component.kind === 'input') {
    pipeline.input = step;
    pipeline.output = fileOutput;
  } else if (component.kind === 'processor') {
    pipeline.input = input;
    pipeline.pipeline = { processors: [step] };
    // A branching processor writes to its branches' outputs; the pipeline has none of its own.
    if (!('branches' in config)) pipeline.output = fileOutput;
  } else {
    pipeline.input = input;
    pipeline.output = step;
  }
  const doc = new Document(pipeline);
  // One line per generated column, as the shipped examples write them.
  const generated = doc.getIn(['input', 'columns']);
  if (isSeq(generated)) for (const column of generated.items) if (isYamlMap(column)) column.flow = true;
  doc.commentBefore = [
    ` The ${component.kind} "${component.name}" example "${example.title}", from the Plugins page.`,
    ...(variables.size > 0 ? [` Set ${[...variables].join(', ')} before running it.`] : []),
  ].join('\n');
  return { yaml: doc.toString({ lineWidth: 0 }), columns };
}

/**
 * Generated columns a problem points at: a problem placed at a field named like one of them
 * (`pipeline.processors[0].fields.customer_name`) says the step adds that column, so the input
 * must not have it.
 */
export function clashingColumns(problems: readonly { path: string }[], columns: readonly string[]): string[] {
  const clashing = new Set<string>();
  for (const { path } of problems) {
    const last = path.split('.').at(-1) ?? '';
    if (last !== 'id' && columns.includes(last)) clashing.add(last);
  }
  return [...clashing];
}

/**
 * The example's pipeline, validated by `validate` (the API's validateConfig) and rebuilt without
 * the guessed columns that clash, a few times at most. Returns the last YAML tried: when it is still
 * invalid, creating the job reports why.
 */
export async function examplePipelineFor(
  component: ExampleComponent,
  example: ComponentExample,
  jobName: string,
  validate: (yaml: string) => Promise<readonly { path: string }[]>,
): Promise<string> {
  const without: string[] = [];
  for (let round = 0; ; round++) {
    const draft = examplePipeline(component, example, jobName, without);
    if (round === 3) return draft.yaml;
    const clashing = clashingColumns(await validate(draft.yaml), draft.columns);
    if (clashing.length === 0) return draft.yaml;
    without.push(...clashing);
  }
}
