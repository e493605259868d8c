import { describe, expect, it } from 'vitest';
import type { Column } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { fieldErrorOf } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import { jsonDecodeProcessor } from '../json_decode/spec';
import { jsonEncodeProcessor } from './spec';

const ctx = testContext();

const columns: Column[] = [
  { name: 'id', type: 'bigint' },
  { name: 'name', type: 'string' },
  { name: 'price', type: 'decimal' },
  { name: 'paid_at', type: 'timestamptz' },
  { name: 'tags', type: 'json' },
  { name: 'photo', type: 'bytes' },
];
const row = [
  9007199254740993n,
  '李娜 "Lina"',
  '1234567890.12345678',
  new Date('2024-03-05T06:07:09.123Z'),
  ['new', { vip: true }],
  Buffer.from('hi'),
];

describe('json_encode processor', () => {
  it('encodes the whole row as one object, losing nothing', () => {
    const bound = jsonEncodeProcessor.create({ as: 'payload' }, ctx).bind(columns);
    expect(bound.columns.at(-1)).toEqual({ name: 'payload', type: 'string' });
    const [out] = bound.process([row], failOnReject);
    expect(out.slice(0, 6)).toEqual(row);
    expect(JSON.parse(out[6] as string)).toEqual({
      id: '9007199254740993',
      name: '李娜 "Lina"',
      price: '1234567890.12345678',
      paid_at: '2024-03-05T06:07:09.123Z',
      tags: ['new', { vip: true }],
      photo: 'aGk=',
    });
  });

  it('encodes the listed fields in order, drops them if asked, and can replace a field', () => {
    const bound = jsonEncodeProcessor
      .create({ as: 'name', fields: ['price', 'name'], drop_fields: true }, ctx)
      .bind(columns);
    expect(bound.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:bigint',
      'name:string',
      'paid_at:timestamptz',
      'tags:json',
      'photo:bytes',
    ]);
    const [out] = bound.process([row], failOnReject);
    expect(out[1]).toBe('{"price":"1234567890.12345678","name":"李娜 \\"Lina\\""}');
    expect(out[2]).toBe(row[3]);
  });

  it('round-trips through json_decode', () => {
    const encoded = jsonEncodeProcessor.create({ as: 'doc', fields: ['name', 'tags'] }, ctx).bind(columns);
    const decoded = jsonDecodeProcessor
      .create({ field: 'doc', fields: { name2: '$.name', tags2: { path: '$.tags', type: 'json' } } }, ctx)
      .bind(encoded.columns);
    const [out] = decoded.process(encoded.process([row], failOnReject), failOnReject);
    expect(out.slice(-2)).toEqual([row[1], row[4]]);
  });

  it('names an unknown field at its place in the list', () => {
    expect(
      fieldErrorOf(() => jsonEncodeProcessor.create({ as: 'j', fields: ['id', 'nmae'] }, ctx).bind(columns)),
    ).toMatchObject({ path: 'fields[1]', message: 'unknown column "nmae" (did you mean "name"?)' });
  });
});
