import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { LOGICAL_TYPES } from '../../src-shared/types/logical';
import type { Random } from './prng';

const scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/** Fields every generated column has, whatever its generator. */
const columnFields = {
  name: Type.String({ minLength: 1, description: 'Column name.' }),
  type: Type.Optional(
    Type.Union(
      LOGICAL_TYPES.map((t) => Type.Literal(t)),
      { description: "Logical type; defaults to the generator's own (sequence → bigint, uuid → uuid, …)." },
    ),
  ),
  null_rate: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Share of rows where the value is null.',
      default: 0,
    }),
  ),
};

/** One column shape: the common fields plus one generator's settings. */
function column<P extends TProperties>(props: P) {
  return Type.Object({ ...columnFields, ...props }, { additionalProperties: false });
}

/** A `generate` column: name, type, null_rate and one value generator with its settings. */
export const ColumnSchema = Type.Union([
  column({
    generator: Type.Literal('sequence', {
      description: 'Row number: start + step × row index; unique across lanes.',
    }),
    start: Type.Optional(Type.Number({ description: 'First value.', default: 1 })),
    step: Type.Optional(Type.Number({ description: 'Increment between rows.', default: 1 })),
  }),
  column({
    generator: Type.Literal('random_int', { description: 'Uniform random integer in [min, max].' }),
    min: Type.Optional(Type.Integer({ description: 'Smallest value (inclusive).', default: 0 })),
    max: Type.Optional(Type.Integer({ description: 'Largest value (inclusive).', default: 100 })),
  }),
  column({
    generator: Type.Literal('random_float', { description: 'Uniform random number in [min, max).' }),
    min: Type.Optional(Type.Number({ description: 'Smallest value (inclusive).', default: 0 })),
    max: Type.Optional(Type.Number({ description: 'Upper bound (exclusive).', default: 1 })),
  }),
  column({
    generator: Type.Literal('decimal', { description: 'Random exact decimal as text, e.g. "12.30".' }),
    min: Type.Optional(Type.Number({ description: 'Smallest value (inclusive).', default: 0 })),
    max: Type.Optional(Type.Number({ description: 'Largest value (inclusive).', default: 1000 })),
    scale: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 12, description: 'Digits after the point.', default: 2 }),
    ),
  }),
  column({
    generator: Type.Literal('choice', { description: 'One of `values`, optionally weighted.' }),
    values: Type.Array(scalar, { minItems: 1, description: 'The values to pick from.' }),
    weights: Type.Optional(
      Type.Array(Type.Number({ minimum: 0 }), {
        description: 'Relative weight of each value (same length as values).',
      }),
    ),
  }),
  column({
    generator: Type.Literal('string', { description: 'Text from a pattern, or random letters and digits.' }),
    pattern: Type.Optional(
      Type.String({ description: 'Text where {n} becomes the row number (1-based), e.g. "user_{n}".' }),
    ),
    length: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Length of random text when no pattern is given.',
        default: 8,
      }),
    ),
  }),
  column({ generator: Type.Literal('uuid', { description: 'A random (seeded) version-4 UUID.' }) }),
  column({
    generator: Type.Literal('timestamp', { description: 'Random instant between start and end.' }),
    start: Type.Optional(
      Type.String({ description: 'Earliest instant (ISO 8601).', default: '2024-01-01T00:00:00Z' }),
    ),
    end: Type.Optional(
      Type.String({ description: 'Latest instant (ISO 8601).', default: '2025-01-01T00:00:00Z' }),
    ),
  }),
  column({
    generator: Type.Literal('date', {
      description: 'Random calendar date (YYYY-MM-DD) between start and end.',
    }),
    start: Type.Optional(Type.String({ description: 'Earliest date (YYYY-MM-DD).', default: '2024-01-01' })),
    end: Type.Optional(Type.String({ description: 'Latest date (YYYY-MM-DD).', default: '2024-12-31' })),
  }),
  column({
    generator: Type.Literal('bool', { description: 'Random true/false.' }),
    true_rate: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Share of rows that are true.', default: 0.5 }),
    ),
  }),
  column({
    generator: Type.Literal('constant', { description: 'The same value in every row.' }),
    value: Type.Union([scalar, Type.Null()], { description: 'The value.' }),
  }),
]);

export type GeneratorConfig = Static<typeof ColumnSchema>;

/** Produces one value for the row at `rowIndex` (0-based, global across lanes) from the row's PRNG. */
export type ValueGenerator = (rowIndex: number, random: Random) => unknown;

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const DAY_MS = 86_400_000;

/** Parses an ISO date/time, throwing a message that names the offending field. */
function instant(text: string, field: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`${field}: not a date/time: ${JSON.stringify(text)}`);
  return ms;
}

function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Compiles a generator config once into a function; throws `Error('<field>: …')` for impossible settings. */
export function compileGenerator(config: GeneratorConfig): ValueGenerator {
  switch (config.generator) {
    case 'sequence': {
      const start = config.start ?? 1;
      const step = config.step ?? 1;
      return (rowIndex) => start + step * rowIndex;
    }
    case 'random_int': {
      const min = config.min ?? 0;
      const max = config.max ?? 100;
      if (max < min) throw new Error('max: must be at least min');
      return (_row, random) => randomInt(random, min, max);
    }
    case 'random_float': {
      const min = config.min ?? 0;
      const max = config.max ?? 1;
      if (max < min) throw new Error('max: must be at least min');
      return (_row, random) => min + random() * (max - min);
    }
    case 'decimal': {
      const scale = config.scale ?? 2;
      const factor = 10 ** scale;
      const min = Math.ceil((config.min ?? 0) * factor);
      const max = Math.floor((config.max ?? 1000) * factor);
      if (max < min) throw new Error('max: must be at least min');
      return (_row, random) => formatScaled(BigInt(randomInt(random, min, max)), scale);
    }
    case 'choice': {
      const { values, weights } = config;
      if (!weights) return (_row, random) => values[Math.floor(random() * values.length)];
      if (weights.length !== values.length) throw new Error('weights: needs one weight per value');
      const total = weights.reduce((sum, w) => sum + w, 0);
      if (total <= 0) throw new Error('weights: at least one weight must be positive');
      let running = 0;
      const cumulative = weights.map((w) => (running += w / total));
      return (_row, random) => {
        const r = random();
        const index = cumulative.findIndex((edge) => r < edge);
        return values[index === -1 ? values.length - 1 : index];
      };
    }
    case 'string': {
      const { pattern } = config;
      if (pattern !== undefined) return (rowIndex) => pattern.replaceAll('{n}', String(rowIndex + 1));
      const length = config.length ?? 8;
      return (_row, random) => {
        let text = '';
        for (let i = 0; i < length; i++) text += ALPHANUMERIC[Math.floor(random() * ALPHANUMERIC.length)];
        return text;
      };
    }
    case 'uuid':
      return (_row, random) => randomUuid(random);
    case 'timestamp': {
      const start = instant(config.start ?? '2024-01-01T00:00:00Z', 'start');
      const end = instant(config.end ?? '2025-01-01T00:00:00Z', 'end');
      if (end < start) throw new Error('end: must not be before start');
      // Whole seconds: what most databases store and what users expect to see.
      return (_row, random) => new Date(Math.floor((start + random() * (end - start)) / 1000) * 1000);
    }
    case 'date': {
      const start = Math.floor(instant(config.start ?? '2024-01-01', 'start') / DAY_MS);
      const end = Math.floor(instant(config.end ?? '2024-12-31', 'end') / DAY_MS);
      if (end < start) throw new Error('end: must not be before start');
      return (_row, random) => new Date(randomInt(random, start, end) * DAY_MS).toISOString().slice(0, 10);
    }
    case 'bool': {
      const rate = config.true_rate ?? 0.5;
      return (_row, random) => random() < rate;
    }
    case 'constant': {
      const { value } = config;
      return () => value;
    }
  }
}

/** Formats an integer count of 10^-scale units as an exact decimal string. */
function formatScaled(units: bigint, scale: number): string {
  if (scale === 0) return units.toString();
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function randomUuid(random: Random): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(random() * 16).toString(16);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
}
