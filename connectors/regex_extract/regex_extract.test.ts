import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { collectingContext, fieldErrorOf } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import { regexExtractProcessor } from './spec';

const ctx = testContext();

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'phone', type: 'string' },
  { name: 'area', type: 'string' },
];

const rows: Row[] = [
  [1, '010-62345678', 'old'],
  [2, '+86 21 5555', 'old'],
  [3, null, 'old'],
  [4, '0755-8888888 ext 12', 'old'],
];

const bind = (config: Record<string, unknown>) =>
  regexExtractProcessor
    .create(
      { field: 'phone', pattern: '^(?<area>\\d{3,4})-(?<number>\\d{7,8})(?: ext (?<ext>\\d+))?$', ...config },
      ctx,
    )
    .bind(columns);

describe('regex_extract processor', () => {
  it('sets a text field per named group, replacing a field of that name, NULL for a group that did not take part', () => {
    const bound = bind({});
    expect(bound.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:int',
      'phone:string',
      'area:string',
      'number:string',
      'ext:string',
    ]);
    expect(bound.process(rows, failOnReject)).toEqual([
      [1, '010-62345678', '010', '62345678', null],
      [2, '+86 21 5555', null, null, null],
      [3, null, null, null, null],
      [4, '0755-8888888 ext 12', '0755', '8888888', '12'],
    ]);
  });

  it('on_no_match keep leaves the fields the row had; new ones are NULL', () => {
    expect(bind({ on_no_match: 'keep' }).process(rows.slice(1, 3), failOnReject)).toEqual([
      [2, '+86 21 5555', 'old', null, null],
      [3, null, 'old', null, null],
    ]);
  });

  it('on_no_match reject hands the row over with the value and the pattern; NULL is no mismatch', () => {
    const collect = collectingContext();
    const out = bind({ on_no_match: 'reject' }).process(rows, collect);
    expect(out.map((r) => r[0])).toEqual([1, 3, 4]);
    expect(collect.rejected).toEqual([
      {
        row: rows[1],
        error:
          'field: "+86 21 5555" does not match ^(?<area>\\d{3,4})-(?<number>\\d{7,8})(?: ext (?<ext>\\d+))?$',
      },
    ]);
  });

  it('matches anywhere unless anchored, ignoring case when asked, and reads numbers as text', () => {
    const bound = regexExtractProcessor.create({ field: 'id', pattern: '(?<last>\\d)$' }, ctx).bind(columns);
    expect(bound.process([[1234, 'x', 'y']], failOnReject)).toEqual([[1234, 'x', 'y', '4']]);
    const words = regexExtractProcessor
      .create({ field: 'phone', pattern: 'EXT (?<ext>\\d+)', ignore_case: true }, ctx)
      .bind(columns);
    expect(words.process([[1, 'call 0755-8888888 ext 12', null]], failOnReject)[0][3]).toBe('12');
  });

  it('takes patterns that only the non-Unicode reading accepts, and Unicode classes', () => {
    const lax = regexExtractProcessor
      .create({ field: 'phone', pattern: '(?<code>[\\w\\-]+)' }, ctx)
      .bind(columns);
    expect(lax.process([[1, 'AB-12 x', null]], failOnReject)[0][3]).toBe('AB-12');
    const han = regexExtractProcessor
      .create({ field: 'phone', pattern: '(?<city>\\p{Script=Han}+)市' }, ctx)
      .bind(columns);
    expect(han.process([[1, '广东省深圳市南山区', null]], failOnReject)[0][3]).toBe('广东省深圳');
  });

  it('refuses a pattern without named groups, one that does not compile, and an unknown field', () => {
    expect(
      fieldErrorOf(() => regexExtractProcessor.create({ field: 'phone', pattern: '(\\d+)' }, ctx)),
    ).toMatchObject({
      path: 'pattern',
      message: 'has no named group: name what to extract, e.g. (?<year>\\d{4})',
    });
    expect(
      fieldErrorOf(() => regexExtractProcessor.create({ field: 'phone', pattern: '(?<a>[' }, ctx)).message,
    ).toMatch(/^not a regular expression: /);
    expect(fieldErrorOf(() => bind({ field: 'phon' }))).toMatchObject({ path: 'field' });
  });
});
