import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { checkAgainst } from './component-fields';

const Column = Type.Union([
  Type.Object(
    { name: Type.String(), generator: Type.Literal('sequence'), start: Type.Optional(Type.Integer()) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      name: Type.String(),
      generator: Type.Literal('choice'),
      values: Type.Array(Type.String(), { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
]);
const Schema = Type.Object({ columns: Type.Array(Column) });

const issues = (data: unknown) => checkAgainst(Schema, data).issues.map((i) => `${i.path}: ${i.message}`);

describe('schema issues of unions', () => {
  it('reports the branch the discriminator chose', () => {
    expect(
      issues({
        columns: [
          { name: 'a', generator: 'choice', values: [] },
          { name: 'b', generator: 'sequence', start: 'x' },
        ],
      }),
    ).toEqual(['columns[1].start: must be integer', 'columns[0].values: must have at least 1 item']);
  });

  it('lists the allowed values of a discriminator that matches no branch', () => {
    expect(issues({ columns: [{ name: 'a', generator: 'int' }] })).toEqual([
      'columns[0].generator: must be "sequence" or "choice"',
    ]);
  });

  it('reports only what every branch agrees on when the discriminator is missing', () => {
    expect(issues({ columns: [{ name: 'a', generatr: 'choice', values: ['x'] }] })).toEqual([
      'columns[0]: missing required field "generator"',
      'columns[0].generatr: unknown field',
    ]);
  });

  it('fills in schema defaults on a copy', () => {
    const data = { n: undefined };
    const { value } = checkAgainst(Type.Object({ n: Type.Integer({ default: 3 }) }), {});
    expect(value).toEqual({ n: 3 });
    expect(data).toEqual({ n: undefined });
  });
});
