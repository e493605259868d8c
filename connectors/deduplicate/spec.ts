import { Type } from '@sinclair/typebox';
import type { Row } from '../../src-main/engine/batch';
import { defineProcessor, type Logger } from '../../src-main/engine/component';
import { formatCount } from '../../src-shared/text/count';
import { durationField } from '../shared/stateful/duration';
import { eventTimeReader } from '../shared/stateful/event-time';
import { keyFunction, type Canonical } from '../shared/stateful/keys';
import { columnAt } from '../shared/processor-kit';

/** Keys remembered when `max_keys` is not set. */
export const DEFAULT_MAX_KEYS = 1_000_000;

/** Config of the `deduplicate` processor. */
export const DeduplicateSchema = Type.Object(
  {
    key: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      uniqueItems: true,
      description:
        'Fields that identify a row: rows with equal values in all of them are duplicates (NULLs are equal to each other).',
      examples: [['order_id'], ['customer_id', 'day']],
    }),
    keep: Type.Optional(
      Type.Union([Type.Literal('first'), Type.Literal('last')], {
        default: 'first',
        description:
          'first passes the first row of each key at once and drops the rest; last holds each key’s latest row and passes it when its window ends, when the key is evicted, or when the input ends.',
      }),
    ),
    window: Type.Optional(
      Type.Object(
        {
          size: Type.String({
            minLength: 1,
            description:
              'How long a key is remembered after its first row, e.g. 10m, 1h, 1d; a row of the key after that starts over.',
            examples: ['10m', '1d'],
          }),
          field: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                'Event-time field (timestamp, date, ISO 8601 text or epoch milliseconds) the window is measured in; absent: the time rows arrive.',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Deduplicate within a time window only (streams): without it, keys are remembered for the whole run.',
        },
      ),
    ),
    max_keys: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: DEFAULT_MAX_KEYS,
        description:
          'Keys remembered at most (memory stays bounded): past it the oldest key is forgotten, so a later row with it passes again (keep: first) or is held anew after the one held is passed on (keep: last). The run’s log says when this happens.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** What is remembered of a key: when its window began, and (keep: last) the row held for it. */
interface Entry {
  start: number;
  row: Row | undefined;
  /** When it was remembered, to tell it from an older entry of the same key in the queue. */
  seq: number;
}

/**
 * Remembered keys, oldest first. The order is a queue of its own: V8 leaves deleted entries of a
 * Map in place until it rehashes, so finding a Map's oldest entry after many deletes walks them
 * all (a million keys past a bound of 10,000 took 6 s instead of 0.1 s).
 */
class KeyMemory {
  readonly entries = new Map<Canonical, Entry>();
  private queue: { key: Canonical; seq: number }[] = [];
  private head = 0;
  private seq = 0;
  private evicted = 0;

  constructor(
    private readonly maxKeys: number,
    private readonly logger: Logger,
  ) {}

  /** Remembers a new key, forgetting the oldest when full; returns the forgotten entry's held row. */
  remember(key: Canonical, start: number, row: Row | undefined): Row | undefined {
    let released: Row | undefined;
    if (this.entries.size >= this.maxKeys) {
      const oldest = this.oldest();
      if (oldest) {
        this.entries.delete(oldest.key);
        this.head++;
        released = oldest.entry.row;
      }
      if (this.evicted++ === 0)
        this.logger.warn(
          `deduplicate: more than ${formatCount(this.maxKeys)} keys (max_keys); the oldest are forgotten, so a later row with one of them passes again`,
          { max_keys: this.maxKeys },
        );
    }
    const seq = ++this.seq;
    this.entries.set(key, { start, row, seq });
    this.queue.push({ key, seq });
    this.compact();
    return released;
  }

  /** Forgets the keys whose window ended by `now`, from the oldest; passes their held rows to `out`. */
  expire(now: number, size: number, out: Row[]): void {
    for (let oldest = this.oldest(); oldest && oldest.entry.start + size <= now; oldest = this.oldest()) {
      this.entries.delete(oldest.key);
      this.head++;
      if (oldest.entry.row) out.push(oldest.entry.row);
    }
  }

  /** The oldest remembered key (at the queue's head), skipping queue places of keys since forgotten or renewed. */
  private oldest(): { key: Canonical; entry: Entry } | undefined {
    while (this.head < this.queue.length) {
      const { key, seq } = this.queue[this.head];
      const entry = this.entries.get(key);
      if (entry?.seq === seq) return { key, entry };
      this.head++;
    }
    return undefined;
  }

  /** Drops the queue's consumed head, and rebuilds it when renewed keys left many stale places behind. */
  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.queue.length - this.head > 2 * this.entries.size + 4096) {
      this.queue = [...this.entries].map(([key, entry]) => ({ key, seq: entry.seq }));
      this.head = 0;
    }
  }

  /** Every held row, oldest key first, and forgets everything (the input ended). */
  drain(): Row[] {
    const rows: Row[] = [];
    for (const entry of this.entries.values()) if (entry.row) rows.push(entry.row);
    this.entries.clear();
    this.queue = [];
    this.head = 0;
    return rows;
  }
}

/** `deduplicate`: drops repeated rows by key, keeping the first or the last, optionally within a time window. */
export const deduplicateProcessor = defineProcessor({
  name: 'deduplicate',
  category: 'aggregate',
  title: 'Deduplicate',
  description:
    'Drops rows whose key fields repeat, keeping the first or the last of each key, for the whole run or within a time window; remembers at most max_keys keys.',
  status: 'stable',
  schema: DeduplicateSchema,
  examples: [
    { title: 'One row per order id', config: { key: ['order_id'] } },
    { title: 'Latest state of each customer', config: { key: ['customer_id'], keep: 'last' } },
    {
      title: 'Repeated events within 10 minutes of event time',
      config: { key: ['event_id'], window: { size: '10m', field: 'event_time' } },
    },
  ],
  create(config, ctx) {
    const keepLast = config.keep === 'last';
    const size = config.window ? durationField('window.size', config.window.size) : Infinity;
    const maxKeys = config.max_keys ?? DEFAULT_MAX_KEYS;
    return {
      oneLaneReason: 'deduplicate remembers the keys it has seen in one place',
      bind(columns) {
        const indices = config.key.map((name, i) => columnAt(`key[${i}]`, columns, name));
        const keyOf = keyFunction(
          indices,
          indices.map((i) => columns[i].type),
        );
        const field = config.window?.field;
        const eventTime = field ? eventTimeReader(columns, field, 'window.field') : undefined;
        const memory = new KeyMemory(maxKeys, ctx.logger);
        let watermark = -Infinity;
        return {
          columns,
          process(rows, processCtx) {
            const out: Row[] = [];
            const arrival = Date.now();
            for (const row of rows) {
              let time = arrival;
              if (eventTime) {
                try {
                  time = eventTime(row);
                } catch (error) {
                  processCtx.reject(row, error);
                  continue;
                }
              }
              if (time > watermark) watermark = time;
              const key = keyOf(row);
              const entry = memory.entries.get(key);
              if (entry && Math.abs(time - entry.start) < size) {
                // A duplicate within the key's window.
                if (keepLast) entry.row = row;
                continue;
              }
              if (entry) {
                // The key's window is over: what it held goes out, and the row starts a new one.
                memory.entries.delete(key);
                if (entry.row) out.push(entry.row);
              }
              const released = memory.remember(key, time, keepLast ? row : undefined);
              if (released) out.push(released);
              if (!keepLast) out.push(row);
            }
            if (size !== Infinity) memory.expire(watermark, size, out);
            return out;
          },
          flush() {
            return memory.drain();
          },
        };
      },
    };
  },
});
