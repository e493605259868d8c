import { Type, type Static } from '@sinclair/typebox';
import {
  defineInput,
  defineOutput,
  FieldError,
  type Input,
  type Output,
} from '../../src-main/engine/component';
import { LOGICAL_TYPES } from '../../src-shared/types/logical';
import { resolveConfigPath } from '../shared/resolve-path';
import { readFile, type FileReadOptions } from './reader';
import { assertEncoding } from './streams';
import { formatFromPath, type FileFormat } from './types';
import { FileWriter } from './writer';

const formatFields = {
  path: Type.String({ minLength: 1, description: 'File path, relative to the pipeline file’s folder.' }),
  format: Type.Optional(
    Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], {
      description:
        'csv or jsonl (JSON Lines); defaults from the extension (.csv, .jsonl, .ndjson, optionally .gz).',
    }),
  ),
  header: Type.Optional(
    Type.Boolean({ description: 'CSV: the first row holds the column names.', default: true }),
  ),
  delimiter: Type.Optional(Type.String({ minLength: 1, description: 'CSV field separator.', default: ',' })),
  quote: Type.Optional(Type.String({ maxLength: 1, description: 'CSV quote character.', default: '"' })),
  escape: Type.Optional(
    Type.String({
      maxLength: 1,
      description: 'CSV character escaping a quote inside a quoted field.',
      default: '"',
    }),
  ),
  null_value: Type.Optional(
    Type.String({
      description: 'CSV text meaning null when unquoted (e.g. "" or "NULL"); a quoted field is always text.',
      default: '',
    }),
  ),
  encoding: Type.Optional(
    Type.String({
      description: 'Text encoding: utf8, gbk, gb18030, latin1, … (iconv-lite names).',
      default: 'utf8',
    }),
  ),
  gzip: Type.Optional(
    Type.Boolean({ description: 'Gzip-compressed; defaults to true when the path ends in .gz.' }),
  ),
};

/** Config of the `file` input. */
export const FileInputSchema = Type.Object(
  {
    ...formatFields,
    columns: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, description: 'Column name (as in the header or JSON key).' }),
            type: Type.Union(
              LOGICAL_TYPES.map((t) => Type.Literal(t)),
              {
                description: 'Logical type values are converted to; a value that does not fit fails the run.',
                default: 'string',
              },
            ),
          },
          { additionalProperties: false },
        ),
        {
          description:
            'Declared columns: with a CSV header they type the named columns; without one they name the fields in order. JSON Lines: the keys to read.',
        },
      ),
    ),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, description: 'Rows per batch.', default: 1000 })),
  },
  { additionalProperties: false },
);

/** Config of the `file` output. */
export const FileOutputSchema = Type.Object(
  {
    ...formatFields,
    mode: Type.Optional(
      Type.Union([Type.Literal('overwrite'), Type.Literal('append')], {
        description: 'overwrite replaces the file when the run succeeds; append adds to it.',
        default: 'overwrite',
      }),
    ),
  },
  { additionalProperties: false },
);

type CommonConfig = Pick<Static<typeof FileInputSchema>, keyof typeof formatFields>;

function resolveFormat(config: CommonConfig): { format: FileFormat; gzip: boolean } {
  const implied = formatFromPath(config.path);
  const format = config.format ?? implied.format;
  if (!format)
    throw new FieldError(
      'format',
      `cannot tell the format from "${config.path}": set format to csv or jsonl`,
    );
  return { format, gzip: config.gzip ?? implied.gzip };
}

function resolveEncoding(config: CommonConfig): string {
  const encoding = config.encoding ?? 'utf8';
  try {
    assertEncoding(encoding);
  } catch (err) {
    throw new FieldError('encoding', (err as Error).message);
  }
  return encoding;
}

function csvFields(config: CommonConfig) {
  return {
    header: config.header ?? true,
    delimiter: config.delimiter ?? ',',
    quote: config.quote ?? '"',
    escape: config.escape ?? '"',
    nullValue: config.null_value ?? '',
  };
}

/** `file` input: CSV or JSON Lines, streamed in one lane. */
export const fileInput = defineInput({
  name: 'file',
  category: 'file',
  title: 'File (CSV / JSON Lines)',
  description:
    'Reads a CSV or JSON Lines file, optionally gzip-compressed and in any common encoding, streaming it.',
  status: 'stable',
  schema: FileInputSchema,
  examples: [
    { title: 'CSV with a header', config: { path: 'data/orders.csv' } },
    {
      title: 'GBK CSV without a header',
      config: {
        path: 'data/legacy.csv',
        encoding: 'gbk',
        header: false,
        columns: [
          { name: 'id', type: 'int' },
          { name: 'name', type: 'string' },
        ],
      },
    },
  ],
  // With a CSV header the declared columns only type some of the header's columns, so the full
  // set is known only once the file is read.
  staticColumns: (config) =>
    resolveFormat(config).format === 'csv' && (config.header ?? true)
      ? undefined
      : config.columns?.map((c) => ({ name: c.name, type: c.type })),
  create(config, ctx): Input {
    const options: FileReadOptions = {
      path: resolveConfigPath(ctx.baseDir, config.path),
      displayPath: config.path,
      ...resolveFormat(config),
      encoding: resolveEncoding(config),
      batchSize: config.batch_size ?? 1000,
      ...csvFields(config),
      columns: config.columns,
    };
    return {
      plan: async (requested) =>
        requested > 1 ? { lanes: 1, note: 'a file is read in one lane' } : { lanes: 1 },
      read: (_lane, _lanes, signal) => readFile(options, signal),
    };
  },
});

/** `file` output: CSV or JSON Lines, written safely (temp file + rename) and optionally gzip-compressed. */
export const fileOutput = defineOutput({
  name: 'file',
  category: 'file',
  title: 'File (CSV / JSON Lines)',
  description:
    'Writes a CSV or JSON Lines file; overwrite replaces it only when the run succeeds, append adds to it.',
  status: 'stable',
  schema: FileOutputSchema,
  examples: [{ title: 'CSV', config: { path: 'output/orders.csv' } }],
  create(config, ctx): Output {
    return new FileWriter({
      path: resolveConfigPath(ctx.baseDir, config.path),
      ...resolveFormat(config),
      encoding: resolveEncoding(config),
      ...csvFields(config),
      mode: config.mode ?? 'overwrite',
    });
  },
});
