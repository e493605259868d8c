import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src-main/engine/batch';
import { failOnReject, type ProcessorSpec } from '../../src-main/engine/component';
import { dateFormatProcessor } from '../date_format/spec';
import { filterProcessor } from '../filter/spec';
import { jsonDecodeProcessor } from '../json_decode/spec';
import { jsonEncodeProcessor } from '../json_encode/spec';
import { regexExtractProcessor } from '../regex_extract/spec';
import { splitProcessor } from '../split/spec';
import { transformProcessor } from '../transform/spec';
import { columnAt, placeColumns, sqlIdentifier } from './processor-kit';
import { fieldErrorOf } from './processor-testing';
import { testContext } from './test-support';

const specs: ProcessorSpec[] = [
  filterProcessor,
  transformProcessor,
  jsonDecodeProcessor,
  jsonEncodeProcessor,
  regexExtractProcessor,
  dateFormatProcessor,
  splitProcessor,
];

describe('row-wise processors', () => {
  it.each(specs.map((spec) => [spec.name, spec] as const))(
    '%s: every example fits the schema and is accepted',
    (_name, spec) => {
      const validate = new Ajv({ strict: false, allErrors: true }).compile(spec.schema);
      expect(spec.examples?.length).toBeGreaterThan(0);
      for (const { title, config } of spec.examples ?? []) {
        expect(validate(config), `${title}: ${JSON.stringify(validate.errors)}`).toBe(true);
        expect(() => spec.create(config, testContext()), title).not.toThrow();
      }
    },
  );
});

describe('processor kit', () => {
  const columns: Column[] = [
    { name: 'id', type: 'int' },
    { name: 'Name', type: 'string' },
    { name: 'odd `name`', type: 'string' },
  ];

  it('finds columns exactly, else ignoring case, and quotes any name for an expression', () => {
    expect(columnAt('field', columns, 'Name')).toBe(1);
    expect(columnAt('field', columns, 'name')).toBe(1);
    expect(columnAt('field', columns, 'odd `name`')).toBe(2);
    expect(sqlIdentifier('odd `name`')).toBe('"odd `name`"');
    expect(sqlIdentifier('a "b"')).toBe('`a "b"`');
    expect(fieldErrorOf(() => columnAt('fields[1]', columns, 'nmae'))).toMatchObject({
      path: 'fields[1]',
      message: 'unknown column "nmae" (did you mean "Name"?)',
    });
  });

  it('places set columns over those of the same name, under the new spelling, and appends the rest', () => {
    expect(
      placeColumns(columns, [
        { name: 'NAME', type: 'json' },
        { name: 'extra', type: 'int' },
      ]),
    ).toEqual({
      columns: [columns[0], { name: 'NAME', type: 'json' }, columns[2], { name: 'extra', type: 'int' }],
      slots: [1, 3],
    });
  });

  it('lets a transform read a column whose name needs quoting', () => {
    const bound = transformProcessor
      .create(
        { fields: { twice: '"odd `name`" * 2' }, cast: { 'odd `name`': { type: 'int' } } },
        testContext(),
      )
      .bind(columns);
    expect(bound.process([[1, 'a', '7']], failOnReject)).toEqual([[1, 'a', 7, 14]]);
  });
});
