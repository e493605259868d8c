import { Type } from '@sinclair/typebox';
import {
  defineInput,
  defineOutput,
  defineProcessor,
  FieldError,
  type ComponentKind,
  type ComponentSpec,
} from '../../engine/component';
import { closestNames } from '../../engine/similar';
import type { Column } from '../../../src-shared/types/logical';
import type { SpecLookup } from '../component-fields';

/** Small components for config tests, so they never depend on the real connectors. */

const noData = { plan: async () => ({ lanes: 1 }), read: async function* () {} };

function unknownColumn(name: string, columns: Column[]): string {
  const [closest] = closestNames(
    columns.map((c) => c.name),
    name,
    1,
  );
  return closest === undefined
    ? `unknown column "${name}"`
    : `unknown column "${name}" (did you mean "${closest}"?)`;
}

const generate = defineInput({
  name: 'generate',
  category: 'testing',
  title: 'Generate',
  description: 'Rows with the named string columns.',
  status: 'stable',
  schema: Type.Object(
    {
      count: Type.Integer({ minimum: 0, default: 10 }),
      columns: Type.Array(Type.String(), { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
  staticColumns: (config) => config.columns.map((name) => ({ name, type: 'string' as const })),
  create: () => noData,
});

const file = defineInput({
  name: 'file',
  category: 'file',
  title: 'File',
  description: 'Reads a file.',
  status: 'stable',
  schema: Type.Object({ path: Type.String() }, { additionalProperties: false }),
  create: () => noData,
});

const sqlite = defineInput({
  name: 'sqlite',
  category: 'database',
  title: 'SQLite',
  description: 'Reads a table.',
  status: 'stable',
  schema: Type.Object({ path: Type.String(), table: Type.String() }, { additionalProperties: false }),
  create: () => noData,
});

/** `condition` is a space-separated list of column names here: enough to exercise binding. */
const filter = defineProcessor({
  name: 'filter',
  category: 'transform',
  title: 'Filter',
  description: 'Keeps rows.',
  status: 'stable',
  schema: Type.Object({ condition: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  create: (config) => ({
    bind(columns) {
      let offset = 1;
      for (const name of config.condition.split(' ')) {
        if (!columns.some((c) => c.name === name))
          throw new FieldError('condition', unknownColumn(name, columns), offset);
        offset += name.length + 1;
      }
      return { columns, process: (rows) => rows };
    },
  }),
});

const mapping = defineProcessor({
  name: 'mapping',
  category: 'transform',
  title: 'Mapping',
  description: 'Renames fields.',
  status: 'stable',
  schema: Type.Object({ fields: Type.Record(Type.String(), Type.String()) }, { additionalProperties: false }),
  create: (config) => ({
    bind(columns) {
      const out = Object.entries(config.fields).map(([to, from]) => {
        const source = columns.find((c) => c.name === from);
        if (!source) throw new FieldError(`fields.${to}`, unknownColumn(from, columns));
        return { ...source, name: to };
      });
      return { columns: out, process: (rows) => rows };
    },
  }),
});

const fileOutput = defineOutput({
  name: 'file',
  category: 'file',
  title: 'File',
  description: 'Writes a file.',
  status: 'stable',
  schema: Type.Object(
    {
      path: Type.String(),
      format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')])),
      write: Type.Optional(
        Type.Object(
          { batch_size: Type.Optional(Type.Integer({ minimum: 1 })) },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  create: (config) => {
    if (config.path.includes('\0')) throw new FieldError('path', 'must not contain NUL');
    return { write: async () => undefined, close: async () => undefined };
  },
});

export const testComponents: ComponentSpec[] = [generate, file, sqlite, filter, mapping, fileOutput];

/** A registry over the test components, with the lookups validation uses. */
export function testRegistry(specs: ComponentSpec[] = testComponents): SpecLookup {
  const names = (kind: ComponentKind) => specs.filter((s) => s.kind === kind).map((s) => s.name);
  return {
    get: (kind, name) => specs.find((s) => s.kind === kind && s.name === name),
    names,
    closest: (kind, name, max) => closestNames(names(kind), name, max),
  };
}
