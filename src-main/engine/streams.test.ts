import { describe, expect, it } from 'vitest';
import type { Batch, Column } from './batch';
import type { Input, Output, Processor, StreamDescription } from './component';
import { runPipeline } from './runtime';
import { StatsAccumulator } from './stats';

/*
 * Inputs that read several streams (the tables of a whole-database copy): the output is
 * prepared with every stream before a lane starts, `Batch.table` survives the processors, and
 * the run counts rows per stream.
 */

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'secret', type: 'string' },
];

/** Two tables with rows, one without; lanes share the list of tables. */
function multiTableInput(): Input & { events: string[] } {
  const events: string[] = [];
  const tables = [
    { name: 'shop.orders', rows: 5 },
    { name: 'shop.customers', rows: 3 },
    { name: 'shop.empty', rows: 0 },
  ];
  let next = 0;
  return {
    events,
    async plan(requested) {
      events.push('plan');
      return { lanes: Math.min(requested, tables.length) };
    },
    async streams(): Promise<StreamDescription[]> {
      events.push('streams');
      return tables.map((t) => ({ name: t.name, columns, schema: { opaque: t.name } }));
    },
    async *read() {
      for (let table = tables[next++]; table; table = tables[next++]) {
        events.push(`read ${table.name}`);
        for (let i = 0; i < table.rows; i += 2) {
          const rows = Array.from({ length: Math.min(2, table.rows - i) }, (_, k) => [i + k, 'x']);
          yield { columns, rows, table: table.name };
        }
      }
    },
  };
}

/** Drops the column `secret`. */
const dropSecret: Processor = {
  bind(input) {
    const keep = input.map((c, i) => [c, i] as const).filter(([c]) => c.name !== 'secret');
    return {
      columns: keep.map(([c]) => c),
      process: (rows) => rows.map((row) => keep.map(([, i]) => row[i])),
    };
  },
};

describe('multi-stream runs', () => {
  it('prepares the output with every stream, after the processors, before any row is read', async () => {
    const input = multiTableInput();
    const prepared: StreamDescription[] = [];
    const written: Batch[] = [];
    const output: Output = {
      async prepareStreams(streams) {
        input.events.push('prepare');
        prepared.push(...streams);
      },
      async write(batch) {
        written.push(batch);
        // The first row of every customers batch is refused.
        if (batch.table === 'shop.customers') return { rejected: [{ index: 0, error: 'no' }] };
      },
      async close() {
        return 'a note\nand another';
      },
    };
    const result = await runPipeline(
      {
        input,
        processors: [{ path: 'pipeline.processors[0]', processor: dropSecret }],
        output,
        channels: 2,
        errorLimit: { rows: 100 },
      },
      {},
    );
    expect(result.error).toBeNull();
    expect(input.events.slice(0, 3)).toEqual(['plan', 'streams', 'prepare']);
    expect(prepared.map((s) => [s.name, s.columns.map((c) => c.name), s.schema])).toEqual([
      ['shop.orders', ['id'], { opaque: 'shop.orders' }],
      ['shop.customers', ['id'], { opaque: 'shop.customers' }],
      ['shop.empty', ['id'], { opaque: 'shop.empty' }],
    ]);
    expect(written.every((b) => b.columns.length === 1 && b.table !== undefined)).toBe(true);
    expect(written.filter((b) => b.table === 'shop.orders').flatMap((b) => b.rows)).toHaveLength(5);
    expect(result.tables).toEqual({
      'shop.orders': { records_read: 5, records_written: 5, records_failed: 0 },
      'shop.customers': { records_read: 3, records_written: 1, records_failed: 2 },
      'shop.empty': { records_read: 0, records_written: 0, records_failed: 0 },
    });
    expect(result.records_failed).toBe(2);
    // An output's note of several lines is several notes.
    const at = result.notes.indexOf('a note');
    expect(result.notes.slice(at, at + 2)).toEqual(['a note', 'and another']);
  });

  it('refuses an output that takes one stream, before a row is read', async () => {
    const input = multiTableInput();
    const closed: (Error | undefined)[] = [];
    const output: Output = {
      async write() {
        throw new Error('never called');
      },
      async close(error) {
        closed.push(error);
      },
    };
    const result = await runPipeline({ input, processors: [], output, channels: 1 }, {});
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      'output: the input reads 3 tables ("shop.orders", "shop.customers", "shop.empty") and this output writes a single one',
    );
    expect(input.events).toEqual(['plan', 'streams']);
    expect(closed).toHaveLength(1);
  });

  it('fails the run when the output cannot prepare, saying where', async () => {
    const output: Output = {
      async prepareStreams() {
        throw new Error('cannot create table "orders"');
      },
      async write() {},
      async close() {},
    };
    const result = await runPipeline({ input: multiTableInput(), processors: [], output, channels: 1 }, {});
    expect(result.error).toBe('output: cannot create table "orders"');
  });
});

describe('StatsAccumulator per stream', () => {
  it('reports streams only for a multi-stream run, in the order they were listed', () => {
    const stats = new StatsAccumulator({ now: () => 0 });
    stats.addRead(2, 10);
    expect(stats.final().tables).toBeUndefined();
    stats.addStreams(['b', 'a']);
    stats.addRead(3, 0, 'a');
    stats.addWritten(2, 'a');
    stats.addStreamFailed('a', 1);
    const snapshot = stats.snapshot();
    expect(snapshot.tables).toEqual({
      b: { records_read: 0, records_written: 0, records_failed: 0 },
      a: { records_read: 3, records_written: 2, records_failed: 1 },
    });
    expect(Object.keys(snapshot.tables ?? {})).toEqual(['b', 'a']);
    expect(snapshot.records_read).toBe(5);
    // A copy: later counts do not change what was reported.
    stats.addRead(1, 0, 'a');
    expect(snapshot.tables?.a.records_read).toBe(3);
  });
});
