import { Type } from '@sinclair/typebox';
import type { Row } from '../../src-main/engine/batch';
import { defineProcessor } from '../../src-main/engine/component';
import { columnAt, fieldMessage, placeColumns, widened } from '../shared/processor-kit';
import {
  checkZone,
  compileTimeConversion,
  targetType,
  timeTarget,
  TIME_SOURCES,
  TIME_TARGETS,
} from '../shared/temporal-sql';

/** Config of the `date_format` processor. */
export const DateFormatSchema = Type.Object(
  {
    field: Type.String({ minLength: 1, description: 'The field holding the date or time.' }),
    from: Type.Optional(
      Type.String({
        minLength: 1,
        description: `How the value is written: ${TIME_SOURCES.join(', ')} (ISO 8601 text, or a date/timestamp field as it is), or a format in MySQL's % specifiers ('%d/%m/%Y %H:%i:%s').`,
        default: 'iso',
        examples: ['iso', '%d/%m/%Y %H:%i', 'epoch_millis'],
      }),
    ),
    from_time_zone: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The zone values without an offset are in (IANA name such as Asia/Shanghai, or +08:00); text with an offset (Z, +08:00) and timestamptz fields are read as they are.',
        default: 'UTC',
      }),
    ),
    to: Type.String({
      minLength: 1,
      description: `What the value becomes: ${TIME_TARGETS.join(', ')} (whole seconds / milliseconds since 1970), or text in a % format ('%Y-%m-%d').`,
      examples: ['timestamptz', 'date', '%Y-%m-%d %H:%i:%s', 'epoch_seconds'],
    }),
    to_time_zone: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The zone a timestamp, date or formatted text is given in; default from_time_zone (the wall-clock time stays as it was written).',
      }),
    ),
    as: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The field the result goes to; default `field` itself, replaced (a new name is appended).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** `date_format`: a date or time in one form (format, zone) → another. */
export const dateFormatProcessor = defineProcessor({
  name: 'date_format',
  category: 'transform',
  title: 'Date format',
  description:
    'Reads a date or time (ISO text, a % format, epoch seconds or milliseconds) in a time zone and writes it as a timestamp, date, epoch number or formatted text in another zone. A value that cannot be read is an error for its row.',
  status: 'stable',
  schema: DateFormatSchema,
  examples: [
    {
      title: 'Chinese local text → UTC instant',
      config: {
        field: 'created',
        from: '%Y年%m月%d日 %H:%i',
        from_time_zone: 'Asia/Shanghai',
        to: 'timestamptz',
      },
    },
    {
      title: 'Epoch milliseconds → a day in Paris',
      config: { field: 'ts', from: 'epoch_millis', to: 'date', to_time_zone: 'Europe/Paris', as: 'day' },
    },
  ],
  create(config) {
    const from = config.from ?? 'iso';
    const fromZone = config.from_time_zone ?? 'UTC';
    const toZone = config.to_time_zone ?? fromZone;
    if (config.to_time_zone !== undefined) checkZone('to_time_zone', config.to_time_zone);
    const target = timeTarget(config.to, 'to', toZone);
    return {
      bind(columns) {
        const index = columnAt('field', columns, config.field);
        const convert = compileTimeConversion(
          columns,
          index,
          { from, fromPath: 'from', zone: fromZone, zonePath: 'from_time_zone' },
          target.wrap,
        );
        const after = target.after;
        const placed = placeColumns(columns, [
          { name: config.as ?? columns[index].name, type: targetType(config.to) },
        ]);
        const slot = placed.slots[0];
        const width = placed.columns.length;
        return {
          columns: placed.columns,
          process(rows, ctx) {
            const out: Row[] = [];
            for (const row of rows) {
              let value: unknown;
              try {
                value = convert(row);
                if (after && value instanceof Date) value = after(value);
              } catch (error) {
                ctx.reject(row, fieldMessage('field', error));
                continue;
              }
              const next = widened(row, width);
              next[slot] = value ?? null;
              out.push(next);
            }
            return out;
          },
        };
      },
    };
  },
});
