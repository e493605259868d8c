import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { ComponentContext } from '../../src-main/engine/component';
import { readInput, tempContext } from '../shared/test-support';
import { fileInput, fileOutput } from './spec';

let dir: string;
let ctx: ComponentContext;
let dispose: () => void;
beforeEach(() => ({ dir, ctx, dispose } = tempContext('file')));
afterEach(() => dispose());

type InputConfig = Parameters<typeof fileInput.create>[0];
type OutputConfig = Parameters<typeof fileOutput.create>[0];

async function readAll(config: InputConfig): Promise<{ columns: Column[]; rows: Row[]; batches: Batch[] }> {
  return readInput(await fileInput.create(config, ctx), ctx);
}

/** Writes one batch and closes; resolves with the output's closing note, if any. */
async function writeAll(
  config: OutputConfig,
  columns: Column[],
  rows: Row[],
  error?: Error,
): Promise<string | void> {
  const output = await fileOutput.create(config, ctx);
  await output.write({ columns, rows }, 0);
  return output.close(error);
}

const awkward: Row[] = [
  ['plain', 'a,b', 'say "hi"'],
  ['multi\nline', '', null],
  ['中文，逗号', 'ﾟ∀ﾟ', ' padded '],
];
const textColumns: Column[] = ['a', 'b', 'c'].map((name) => ({ name, type: 'string' }));

describe('file connector', () => {
  it('round-trips awkward CSV values: quotes, delimiters, newlines, CJK, empty vs null', async () => {
    await writeAll({ path: 'out/data.csv' }, textColumns, awkward);
    const { columns, rows } = await readAll({ path: 'out/data.csv' });
    expect(columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(rows).toEqual(awkward);
  });

  it('uses a NULL marker and quotes text that equals it', async () => {
    const rows = [['NULL', null]];
    await writeAll({ path: 'n.csv', null_value: 'NULL' }, textColumns.slice(0, 2), rows);
    expect(readFileSync(path.join(dir, 'n.csv'), 'utf8')).toBe('a,b\n"NULL",NULL\n');
    expect((await readAll({ path: 'n.csv', null_value: 'NULL' })).rows).toEqual(rows);
  });

  it('writes and reads GBK and gzip', async () => {
    // Every character here exists in GBK (half-width katakana does not).
    const gbkSafe = awkward.map((row) => row.map((v) => (v === 'ﾟ∀ﾟ' ? '《书名》' : v)));
    await writeAll({ path: 'g.csv.gz', encoding: 'gbk' }, textColumns, gbkSafe);
    const raw = gunzipSync(readFileSync(path.join(dir, 'g.csv.gz')));
    expect(iconv.decode(raw, 'gbk')).toContain('中文，逗号');
    expect(raw.includes(Buffer.from('中文', 'utf8'))).toBe(false);
    expect((await readAll({ path: 'g.csv.gz', encoding: 'gbk' })).rows).toEqual(gbkSafe);
  });

  it('reads a GBK file written by another tool', async () => {
    writeFileSync(path.join(dir, 'legacy.csv'), iconv.encode('编号,名称\n1,北京\n2,上海\n', 'gbk'));
    const { rows } = await readAll({
      path: 'legacy.csv',
      encoding: 'gbk',
      columns: [{ name: '编号', type: 'int' }],
    });
    expect(rows).toEqual([
      [1, '北京'],
      [2, '上海'],
    ]);
  });

  it('reads without a header: declared names, or col_1…', async () => {
    writeFileSync(path.join(dir, 'h.csv'), '1;x\n2;y\n');
    const plain = await readAll({ path: 'h.csv', header: false, delimiter: ';' });
    expect(plain.columns.map((c) => c.name)).toEqual(['col_1', 'col_2']);
    expect(plain.rows).toEqual([
      ['1', 'x'],
      ['2', 'y'],
    ]);
    const typed = await readAll({
      path: 'h.csv',
      header: false,
      delimiter: ';',
      columns: [
        { name: 'id', type: 'int' },
        { name: 'code', type: 'string' },
      ],
    });
    expect(typed.rows[1]).toEqual([2, 'y']);
  });

  it('converts typed columns and names file, line and column for a bad value', async () => {
    writeFileSync(
      path.join(dir, 't.csv'),
      'id,price,ok,at\n1,9.50,true,2024-01-02T03:04:05Z\nx2,1,false,2024-01-01\n',
    );
    const columns = [
      { name: 'id', type: 'int' as const },
      { name: 'price', type: 'decimal' as const },
      { name: 'ok', type: 'bool' as const },
      { name: 'at', type: 'timestamp' as const },
    ];
    await expect(readAll({ path: 't.csv', columns })).rejects.toThrow(
      't.csv:3: column "id": expected int, got "x2"',
    );
    writeFileSync(path.join(dir, 't.csv'), 'id,price,ok,at\n1,9.50,true,2024-01-02T03:04:05Z\n');
    const { rows } = await readAll({ path: 't.csv', columns });
    expect(rows).toEqual([[1, '9.50', true, new Date('2024-01-02T03:04:05Z')]]);
  });

  it('names the right line after multi-line fields and empty lines, with CRLF too', async () => {
    const columns = [
      { name: 'id', type: 'int' as const },
      { name: 'note', type: 'string' as const },
    ];
    for (const eol of ['\n', '\r\n']) {
      writeFileSync(path.join(dir, 'l.csv'), ['id,note', '1,"a', 'b"', '', '2,', 'x3,c'].join(eol) + eol);
      await expect(readAll({ path: 'l.csv', columns }), JSON.stringify(eol)).rejects.toThrow(
        'l.csv:6: column "id": expected int, got "x3"',
      );
    }
  });

  // The shared datasets sit beside the project on the machines this is built on.
  const countryCodes =
    process.env.FUSTGO_DATASETS_DIR ?? path.resolve(import.meta.dirname, '../../../shared/datasets');
  it.skipIf(!existsSync(countryCodes))('reads the country-codes dataset with its traps intact', async () => {
    const source = path.join(countryCodes, 'country-codes/country-codes.csv');
    const { columns, rows } = await readAll({ path: source });
    const iso2 = columns.findIndex((c) => c.name === 'ISO3166-1-Alpha-2');
    const name = columns.findIndex((c) => c.name === 'CLDR display name');
    expect(columns.some((c) => c.name === 'Small Island Developing States (SIDS)')).toBe(true);
    const namibia = rows.find((r) => r[name] === 'Namibia');
    expect(namibia?.[iso2]).toBe('NA');
    const china = rows.find((r) => r[iso2] === 'CN');
    expect(china?.[columns.findIndex((c) => c.name === 'official_name_cn')]).toBe('中国');
    expect(rows.length).toBeGreaterThan(240);
  });

  it('reads and writes JSON Lines, with safe values and a clear error for an unknown key', async () => {
    const columns: Column[] = [
      { name: 'id', type: 'bigint' },
      { name: 'at', type: 'timestamp' },
      { name: 'blob', type: 'bytes' },
      { name: 'meta', type: 'json' },
    ];
    await writeAll({ path: 'x.jsonl' }, columns, [
      [12345678901234567890n, new Date(0), Buffer.from('hi'), { a: [1] }],
    ]);
    expect(readFileSync(path.join(dir, 'x.jsonl'), 'utf8')).toBe(
      '{"id":"12345678901234567890","at":"1970-01-01T00:00:00.000Z","blob":"aGk=","meta":{"a":[1]}}\n',
    );
    const typed = await readAll({
      path: 'x.jsonl',
      columns: [
        { name: 'id', type: 'bigint' },
        { name: 'at', type: 'timestamp' },
        { name: 'blob', type: 'bytes' },
        { name: 'meta', type: 'json' },
      ],
    });
    expect(typed.rows[0]).toEqual([12345678901234567890n, new Date(0), Buffer.from('hi'), { a: [1] }]);

    writeFileSync(path.join(dir, 'k.jsonl'), '{"a":1,"b":"x"}\n\n{"a":2}\n{"a":3,"c":true}\n');
    await expect(readAll({ path: 'k.jsonl' })).rejects.toThrow('k.jsonl:4: unknown key "c"');
    writeFileSync(path.join(dir, 'k.jsonl'), '{"a":1,"b":"x"}\n{"a":2.5}\n');
    const inferred = await readAll({ path: 'k.jsonl' });
    expect(inferred.columns).toEqual([
      { name: 'a', type: 'int' },
      { name: 'b', type: 'string' },
    ]);
    expect(inferred.rows).toEqual([
      [1, 'x'],
      [2.5, null],
    ]);
  });

  it('leaves no file behind when the run fails, and appends without repeating the header', async () => {
    expect(await writeAll({ path: 'f.csv' }, textColumns, awkward, new Error('run failed'))).toBe(
      `${path.join(dir, 'f.csv')} was left as it was: the run did not complete, so the 3 rows written went away with the temporary file`,
    );
    expect(readdirSync(dir)).toEqual([]);
    expect(await writeAll({ path: 'a.csv', mode: 'append' }, textColumns, [['1', '2', '3']])).toBeUndefined();
    expect(
      await writeAll({ path: 'a.csv', mode: 'append' }, textColumns, [['4', '5', '6']], new Error('x')),
    ).toBe(`1 rows were appended to ${path.join(dir, 'a.csv')} before the run stopped`);
    expect(readFileSync(path.join(dir, 'a.csv'), 'utf8')).toBe('a,b,c\n1,2,3\n4,5,6\n');
  });

  it('serialises concurrent lanes into whole batches', async () => {
    const output = await fileOutput.create({ path: 'lanes.csv' }, ctx);
    const batch = (lane: number): Batch => ({
      columns: textColumns,
      rows: Array.from({ length: 500 }, (_, i) => [String(lane), String(i), 'x'.repeat(100)]),
    });
    await Promise.all([output.write(batch(1), 1), output.write(batch(2), 2)]);
    await output.close();
    const { rows } = await readAll({ path: 'lanes.csv' });
    expect(rows).toHaveLength(1000);
    expect(rows.slice(0, 500).every((r) => r[0] === '1')).toBe(true);
  });

  it('streams a 200k-row gzip file in batches with line checkpoints', async () => {
    const lines = ['id,name'];
    for (let i = 1; i <= 200_000; i++) lines.push(`${i},name ${i}`);
    writeFileSync(path.join(dir, 'big.csv.gz'), gzipSync(lines.join('\n')));
    const input = await fileInput.create({ path: 'big.csv.gz', columns: [{ name: 'id', type: 'int' }] }, ctx);
    expect(await input.plan(4)).toEqual({ lanes: 1, note: 'a file is read in one lane' });
    let count = 0;
    let batches = 0;
    let last: Batch | undefined;
    for await (const batch of input.read(0, 1, ctx.signal)) {
      count += batch.rows.length;
      batches++;
      last = batch;
    }
    expect(count).toBe(200_000);
    expect(batches).toBe(200);
    expect(last?.rows.at(-1)).toEqual([200_000, 'name 200000']);
    expect(last?.checkpoint).toEqual({ line: 200_001 });
  });

  it('rejects a path whose format it cannot tell', () => {
    expect(() => fileInput.create({ path: 'data.bin' }, ctx)).toThrow('set format to csv or jsonl');
    expect(existsSync(path.join(dir, 'data.bin'))).toBe(false);
  });
});
