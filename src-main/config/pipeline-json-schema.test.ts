import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../default-registry';
import { pipelineJsonSchema, type JsonSchema } from './pipeline-json-schema';

const EXAMPLES = join(import.meta.dirname, '../../resources/examples');

let schema: JsonSchema;
let validate: ValidateFunction;
beforeAll(() => {
  schema = pipelineJsonSchema(defaultRegistry({}));
  // As an editor reads it: plain draft-07, no defaults filled in.
  validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
});

/**
 * The errors of a YAML text, as `instancePath: message`; left out: `if` failures (they repeat the
 * branch's) and what a value is not besides its constraint (a `${VAR}` reference, the union itself).
 */
function errorsOf(text: string): string[] {
  if (validate(parse(text))) return [];
  return (validate.errors ?? [])
    .filter(
      (error: ErrorObject) =>
        !['if', 'anyOf', 'oneOf'].includes(error.keyword) && !error.schemaPath.includes('env_reference'),
    )
    .map((error) => {
      const { additionalProperty } = error.params as { additionalProperty?: string };
      return `${error.instancePath}: ${error.message}${additionalProperty ? ` (${additionalProperty})` : ''}`;
    });
}

const pipeline = (processors: string, output = 'output:\n  type: file\n  path: out.csv\n') =>
  `version: 1\ninput:\n  type: file\n  path: data.csv\npipeline:\n  processors:\n${processors}${output}`;

describe('pipelineJsonSchema', () => {
  it('accepts every example pipeline', () => {
    const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      expect({ file, errors: errorsOf(readFileSync(join(EXAMPLES, file), 'utf8')) }).toEqual({
        file,
        errors: [],
      });
  });

  it("accepts every component's own examples in its section", () => {
    const ajv = new Ajv({ strict: false });
    const sections = new Map(
      (['input', 'processor', 'output'] as const).map((kind) => [
        kind,
        ajv.compile({ $ref: `#/definitions/${kind}`, definitions: schema.definitions }),
      ]),
    );
    for (const { spec } of defaultRegistry({}).list()) {
      const check = sections.get(spec.kind)!;
      for (const example of spec.examples ?? []) {
        const config = { type: spec.name, ...example.config };
        expect({
          component: `${spec.kind}:${spec.name}`,
          valid: check(config),
          errors: check.errors,
        }).toEqual({
          component: `${spec.kind}:${spec.name}`,
          valid: true,
          errors: null,
        });
      }
    }
  });

  it("reports a misspelt field and a value outside a field's enum, at their place", () => {
    const text = pipeline('    - type: filter\n      conditon: qty > 0\n      mode: inclde\n');
    expect(errorsOf(text)).toEqual([
      "/pipeline/processors/0: must have required property 'condition'",
      '/pipeline/processors/0: must NOT have additional properties (conditon)',
      '/pipeline/processors/0/mode: must be equal to one of the allowed values',
    ]);
  });

  it('checks on_error on every processor', () => {
    expect(errorsOf(pipeline('    - type: filter\n      condition: x\n      on_error: skip\n'))).toEqual([]);
    expect(
      errorsOf(pipeline('    - type: mapping\n      fields: { a: b }\n      on_error: ignore\n')),
    ).toEqual(['/pipeline/processors/0/on_error: must be equal to one of the allowed values']);
  });

  it('checks the processors and outputs inside the branches of a conditional', () => {
    const text = pipeline(
      [
        '    - type: conditional',
        '      branches:',
        '        - when: qty > 0',
        '          processors:',
        '            - { type: filter, condition: x, colour: red }',
        '          output: { type: file, path: a.csv, mode: appnd }',
        '      else:',
        '        output: { type: file }',
        '',
      ].join('\n'),
      // The branches have the outputs: the top level needs none.
      '',
    );
    expect(errorsOf(text)).toEqual([
      '/pipeline/processors/0/branches/0/processors/0: must NOT have additional properties (colour)',
      '/pipeline/processors/0/branches/0/output/mode: must be equal to one of the allowed values',
      "/pipeline/processors/0/else/output: must have required property 'path'",
    ]);
  });

  it('leaves out of `required` what validation fills in from a default', () => {
    // generate's `seed` is required, with a default.
    const text =
      'version: 1\ninput: { type: generate, count: 5, columns: [{ name: id, generator: sequence }] }\n';
    expect(errorsOf(`${text}output: { type: file, path: a.csv }\n`)).toEqual([]);
  });

  it('requires the sections, except in a file that extends another', () => {
    expect(errorsOf('version: 1\ninput: { type: file, path: a.csv }\n')).toEqual([
      ": must have required property 'output'",
    ]);
    expect(errorsOf('extends: base.yaml\npipeline:\n  channels: 4\n')).toEqual([]);
  });

  it('accepts ${VAR} for any value, and still checks other values', () => {
    const text = pipeline('    - { type: filter, condition: x, mode: "${MODE}" }\n').replace(
      'pipeline:\n',
      'pipeline:\n  channels: ${CHANNELS:-4}\n',
    );
    expect(errorsOf(text)).toEqual([]);
    expect(errorsOf(text.replace('${CHANNELS:-4}', 'four'))).toEqual(['/pipeline/channels: must be integer']);
  });

  it('accepts a saved connection by ref, with fields beside it as overrides', () => {
    const text = [
      'version: 1',
      'input:',
      '  type: postgresql',
      '  connection: { ref: warehouse, database: staging }',
      '  query: { table: orders }',
      'output:',
      '  type: sqlite',
      '  connection: { ref: local }',
      '  write: { table: orders }',
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([]);
    expect(errorsOf(text.replace('database: staging', 'databse: staging'))).toEqual([
      '/input/connection: must NOT have additional properties (databse)',
    ]);
    // Without a saved connection, the fields it would give are required.
    expect(errorsOf(text.replace('  connection: { ref: local }\n', ''))).toEqual([
      "/output: must have required property 'path'",
    ]);
    expect(errorsOf(text.replace('{ ref: warehouse, database: staging }', '{ host: db }'))).toEqual([
      "/input/connection: must have required property 'database'",
      "/input/connection: must have required property 'username'",
    ]);
  });

  it('follows the registry: a disabled component has no schema, so its sections are left to validation', () => {
    const without = pipelineJsonSchema(defaultRegistry({ FUSTGO_DISABLED_COMPONENTS: 'processor:filter' }));
    const definitions = without.definitions as Record<string, JsonSchema>;
    expect(definitions['processor.filter']).toBeUndefined();
    expect(definitions['processor.mapping']).toBeDefined();
    const check = new Ajv({ strict: false }).compile(without);
    expect(check(parse(pipeline('    - type: filter\n      colour: red\n')))).toBe(true);
  });

  it('offers no conditional inside a branch', () => {
    const definitions = schema.definitions as Record<string, { allOf: { then: { $ref: string } }[] }>;
    const refs = (section: string) => definitions[section].allOf.map((option) => option.then.$ref);
    expect(refs('processor')).toContain('#/definitions/processor.conditional');
    expect(refs('branch_processor')).not.toContain('#/definitions/processor.conditional');
    expect(refs('branch_processor')).toHaveLength(refs('processor').length - 1);
  });
});
