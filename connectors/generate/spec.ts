import { Type, type Static } from '@sinclair/typebox';
import { defineInput, FieldError, type Input } from '../../src-main/engine/component';
import { ColumnSchema, compileGenerator } from './generators';
import { generateLane, type GeneratedColumn } from './reader';
import { generatorType } from './types';

/** Config of the `generate` input. */
export const GenerateSchema = Type.Object(
  {
    count: Type.Integer({
      minimum: 0,
      description: 'Rows to generate in total (split across lanes).',
      default: 1000,
    }),
    seed: Type.Integer({ description: 'PRNG seed: the same seed gives the same rows.', default: 42 }),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, description: 'Rows per batch.', default: 1000 })),
    columns: Type.Array(ColumnSchema, { minItems: 1, description: 'Columns to generate, in order.' }),
  },
  { additionalProperties: false },
);

export type GenerateConfig = Static<typeof GenerateSchema>;

function compileColumns(config: GenerateConfig): GeneratedColumn[] {
  return config.columns.map((c, i) => {
    try {
      return {
        column: { name: c.name, type: generatorType(c, c.type), nullable: (c.null_rate ?? 0) > 0 },
        generate: compileGenerator(c),
        nullRate: c.null_rate ?? 0,
      };
    } catch (err) {
      const [field, ...rest] = (err as Error).message.split(': ');
      throw new FieldError(`columns[${i}].${field}`, rest.join(': '));
    }
  });
}

/** `generate`: deterministic synthetic rows for demos, tests and benchmarks. */
export const generateInput = defineInput({
  name: 'generate',
  category: 'testing',
  title: 'Generate',
  description:
    'Synthetic rows from value generators (sequence, random numbers, choices, UUIDs, dates); seeded and repeatable.',
  status: 'stable',
  schema: GenerateSchema,
  examples: [
    {
      title: '10,000 orders',
      config: {
        count: 10000,
        seed: 7,
        columns: [
          { name: 'id', generator: 'sequence' },
          { name: 'status', generator: 'choice', values: ['paid', 'pending', 'void'], weights: [6, 3, 1] },
          { name: 'price', generator: 'decimal', min: 1, max: 500, scale: 2 },
        ],
      },
    },
  ],
  staticColumns: (config) => compileColumns(config).map((c) => c.column),
  create(config): Input {
    const options = {
      count: config.count,
      seed: config.seed,
      batchSize: config.batch_size ?? 1000,
      columns: compileColumns(config),
    };
    let skip: number[] = [];
    return {
      plan: async (requested) => ({ lanes: Math.max(1, Math.min(requested, options.count)) }),
      // Rows depend only on the seed and their index: a resumed lane starts after the rows it wrote.
      resume: async (point) => {
        skip = point.positions.map((position) =>
          typeof position?.offset === 'number' ? position.offset : 0,
        );
        return { lanes: point.lanes };
      },
      read: (lane, lanes, signal) => generateLane(options, lane, lanes, signal, skip[lane] ?? 0),
      estimateTotal: async () => options.count,
    };
  },
});
