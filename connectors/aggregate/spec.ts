import { Type } from '@sinclair/typebox';
import type { Column, Row } from '../../src-main/engine/batch';
import { defineProcessor, FieldError, type ProcessContext } from '../../src-main/engine/component';
import { childPath } from '../../src-main/config/config-path';
import type { Accumulator } from '../shared/stateful/accumulators';
import { durationField, formatDuration } from '../shared/stateful/duration';
import { eventTimeReader } from '../shared/stateful/event-time';
import { keyFunction, type Canonical } from '../shared/stateful/keys';
import { isoUtc } from '../shared/values';
import { compileAggregate, parseAggregate, type AggregateCall, type CompiledAggregate } from './functions';
import { columnAt } from '../shared/processor-kit';

/** Config of the `aggregate` processor. */
export const AggregateSchema = Type.Object(
  {
    group_by: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        uniqueItems: true,
        default: [],
        description:
          'Fields whose values form a group: one output row per distinct combination (NULL is a value of its own). Empty or absent: one row for the whole input (per window).',
        examples: [['region', 'status']],
      }),
    ),
    aggregates: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
      minProperties: 1,
      description:
        'Output fields computed over each group, `name: "function(argument)"`: count(*), count(x), sum(x), avg(x), min(x), max(x), first(x), last(x), count_distinct(x) (or count(DISTINCT x)). The argument is a field or a SQL expression (`sum(qty * price)`); NULLs are skipped. Sums and averages of integers and decimals are exact.',
      examples: [
        { orders: 'count(*)', total_qty: 'sum(qty)', revenue: 'sum(qty * price)', avg_price: 'avg(price)' },
      ],
    }),
    window: Type.Optional(
      Type.Object(
        {
          field: Type.String({
            minLength: 1,
            description:
              'The event-time field: a timestamp, a date, ISO 8601 text or epoch milliseconds. Rows without one are rejected (on_error).',
          }),
          size: Type.String({
            minLength: 1,
            description:
              'Window length, e.g. 30s, 5m, 1h, 1d: windows are aligned to the epoch in UTC ([12:00, 12:05), [12:05, 12:10), …).',
            examples: ['5m', '1h'],
          }),
          allowed_lateness: Type.Optional(
            Type.String({
              description:
                'How long after a window’s end rows may still arrive for it (out-of-order streams): a window is emitted once a row at least this far past its end arrived. Later rows for it are rejected as late.',
              default: '0s',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Tumbling windows by event time, for streams: each window’s groups are emitted once a row past the window’s end (plus allowed_lateness) arrives, and the rest when the input ends. Adds window_start and window_end (timestamptz) in front.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

interface Group {
  /** The group_by values of the group's first row. */
  values: unknown[];
  accumulators: Accumulator[];
}

/** The groups of the whole input, or of one window, by key. */
type GroupMap = Map<Canonical, Group>;

const WINDOW_COLUMNS: Column[] = [
  { name: 'window_start', type: 'timestamptz', nullable: false },
  { name: 'window_end', type: 'timestamptz', nullable: false },
];

/** `aggregate`: one row per group (and window) with counts, sums, averages, extremes. */
export const aggregateProcessor = defineProcessor({
  name: 'aggregate',
  category: 'aggregate',
  title: 'Aggregate',
  description:
    'Groups rows by fields and computes count, sum, avg, min, max, first, last and count_distinct per group: over the whole input (rows come out when it ends), or per tumbling window of event time for streams.',
  status: 'stable',
  schema: AggregateSchema,
  examples: [
    {
      title: 'Totals per region',
      config: {
        group_by: ['region'],
        aggregates: {
          orders: 'count(*)',
          total_qty: 'sum(qty)',
          revenue: 'sum(qty * price)',
          avg_price: 'avg(price)',
        },
      },
    },
    {
      title: 'Distinct customers overall',
      config: { aggregates: { customers: 'count(DISTINCT customer_id)' } },
    },
    {
      title: 'Page views per page every 5 minutes',
      config: {
        group_by: ['page'],
        aggregates: { views: 'count(*)', visitors: 'count_distinct(user_id)' },
        window: { field: 'event_time', size: '5m' },
      },
    },
  ],
  create(config) {
    const groupBy = config.group_by ?? [];
    const calls: AggregateCall[] = Object.entries(config.aggregates).map(([name, text]) =>
      parseAggregate(name, childPath('aggregates', name), text),
    );
    const taken = new Set<string>(groupBy);
    if (config.window) for (const column of WINDOW_COLUMNS) taken.add(column.name);
    for (const call of calls)
      if (taken.has(call.name))
        throw new FieldError(
          call.path,
          `"${call.name}" is also a group_by field or a window column; name the result differently`,
        );
    const window = config.window && {
      field: config.window.field,
      size: durationField('window.size', config.window.size),
      lateness: durationField('window.allowed_lateness', config.window.allowed_lateness ?? '0s', 0),
    };
    return {
      oneLaneReason: 'aggregate needs every row of the input in one place',
      bind(columns) {
        const groupIndices = groupBy.map((name, i) => columnAt(`group_by[${i}]`, columns, name));
        const aggregates = calls.map((call) => compileAggregate(call, columns));
        const keyOf = keyFunction(
          groupIndices,
          groupIndices.map((i) => columns[i].type),
        );
        const out: Column[] = [
          ...(window ? WINDOW_COLUMNS : []),
          ...groupIndices.map((i) => ({ ...columns[i] })),
          ...aggregates.map(({ call, kind }) => ({
            name: call.name,
            type: kind.type,
            nullable: call.fn !== 'count' && call.fn !== 'count_distinct',
          })),
        ];
        const groups = new GroupBuilder(groupIndices, aggregates, keyOf);
        if (!window) {
          const whole: GroupMap = new Map();
          return {
            columns: out,
            process(rows, ctx) {
              for (const row of rows) groups.add(whole, row, ctx);
              return [];
            },
            flush() {
              const rows = groups.rows(whole, []);
              whole.clear();
              return rows;
            },
          };
        }
        const eventTime = eventTimeReader(columns, window.field, 'window.field');
        const windows = new TumblingWindows(window.size, window.lateness);
        return {
          columns: out,
          process(rows, ctx) {
            const emitted: Row[] = [];
            for (const row of rows) {
              let time: number;
              try {
                time = eventTime(row);
              } catch (error) {
                ctx.reject(row, error);
                continue;
              }
              const start = windows.startOf(time);
              if (windows.isClosed(start)) {
                ctx.reject(row, windows.lateError(time, start));
                continue;
              }
              if (groups.add(windows.groupsOf(start), row, ctx))
                windows.advance(time, (s, g) => groups.rows(g, windows.bounds(s), emitted));
            }
            return emitted;
          },
          flush() {
            const emitted: Row[] = [];
            windows.drain((s, g) => groups.rows(g, windows.bounds(s), emitted));
            return emitted;
          },
        };
      },
    };
  },
});

/** Adds rows to groups and turns groups into output rows. */
class GroupBuilder {
  /** The arguments of the row being added, reused so adding a row allocates nothing. */
  private readonly values: unknown[];

  constructor(
    private readonly groupIndices: number[],
    private readonly aggregates: CompiledAggregate[],
    private readonly keyOf: (row: Row) => Canonical,
  ) {
    this.values = new Array<unknown>(aggregates.length);
  }

  /**
   * Adds a row to its group in `groups`. A row whose arguments cannot be evaluated or taken (a
   * division by zero, text that is no number for sum) is rejected and changes no group. Returns
   * whether the row was added.
   */
  add(groups: GroupMap, row: Row, ctx: ProcessContext): boolean {
    const { aggregates, values } = this;
    for (let i = 0; i < aggregates.length; i++) {
      const { call, kind, argument } = aggregates[i];
      try {
        const value = argument(row);
        if (value !== null && value !== undefined) kind.check(value);
        values[i] = value;
      } catch (error) {
        ctx.reject(
          row,
          new Error(`${call.name} = ${call.fn}(${call.argument}): ${(error as Error).message}`, {
            cause: error,
          }),
        );
        return false;
      }
    }
    const key = this.keyOf(row);
    let group = groups.get(key);
    if (!group) {
      group = {
        values: this.groupIndices.map((i) => row[i]),
        accumulators: aggregates.map((a) => a.kind.create()),
      };
      groups.set(key, group);
    }
    for (let i = 0; i < aggregates.length; i++) {
      const value = values[i];
      if (value !== null && value !== undefined) group.accumulators[i].add(value);
    }
    return true;
  }

  /** The output rows of `groups` in the order the groups first appeared, after `prefix` (the window bounds). */
  rows(groups: GroupMap, prefix: unknown[], out: Row[] = []): Row[] {
    for (const group of groups.values()) {
      const row: Row = [...prefix, ...group.values];
      for (const accumulator of group.accumulators) row.push(accumulator.result());
      out.push(row);
    }
    return out;
  }
}

/**
 * Tumbling windows of event time, `size` ms long and aligned to the epoch. The watermark is
 * the latest event time seen; a window closes once the watermark reaches its end plus the
 * allowed lateness, and is emitted then. Rows for a closed window are late.
 */
class TumblingWindows {
  private readonly open = new Map<number, GroupMap>();
  private watermark = -Infinity;

  constructor(
    private readonly size: number,
    private readonly lateness: number,
  ) {}

  startOf(time: number): number {
    return Math.floor(time / this.size) * this.size;
  }

  isClosed(start: number): boolean {
    return start + this.size + this.lateness <= this.watermark;
  }

  bounds(start: number): unknown[] {
    return [new Date(start), new Date(start + this.size)];
  }

  groupsOf(start: number): GroupMap {
    let groups = this.open.get(start);
    if (!groups) {
      groups = new Map();
      this.open.set(start, groups);
    }
    return groups;
  }

  lateError(time: number, start: number): Error {
    const lateness = this.lateness > 0 ? ` plus allowed_lateness ${formatDuration(this.lateness)}` : '';
    return new Error(
      `late row: its event time ${isoUtc(new Date(time))} falls in the window ${isoUtc(new Date(start))} – ${isoUtc(new Date(start + this.size))}, already emitted (rows up to ${isoUtc(new Date(this.watermark))} have arrived, past its end${lateness})`,
    );
  }

  /** Moves the watermark to `time` and emits the windows that closed, oldest first. */
  advance(time: number, emit: (start: number, groups: GroupMap) => void): void {
    if (time <= this.watermark) return;
    this.watermark = time;
    const closed = [...this.open.keys()].filter((start) => this.isClosed(start)).sort((a, b) => a - b);
    for (const start of closed) {
      emit(start, this.open.get(start) as GroupMap);
      this.open.delete(start);
    }
  }

  /** Emits every open window, oldest first (the input ended). */
  drain(emit: (start: number, groups: GroupMap) => void): void {
    for (const start of [...this.open.keys()].sort((a, b) => a - b))
      emit(start, this.open.get(start) as GroupMap);
    this.open.clear();
  }
}
