import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { FieldError } from '../../src-main/engine/component';
import { testContext } from '../shared/test-support';
import { mysqlInput, mysqlOutput } from './spec';

describe('mysql specs', () => {
  it('has examples that fit their schemas', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    for (const spec of [mysqlInput, mysqlOutput]) {
      const validate = ajv.compile(spec.schema);
      for (const example of spec.examples ?? [])
        expect(validate(example.config), `${example.title}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('plans one lane and refuses upsert and replace without a key, before connecting', async () => {
    const connection = { host: '127.0.0.1', database: 'shop', username: 'etl' };
    const input = await mysqlInput.create({ connection, query: { table: 'orders' } }, testContext());
    expect(await input.plan(1)).toEqual({ lanes: 1 });
    expect(() =>
      mysqlOutput.create({ connection, write: { table: 'orders', mode: 'upsert' } }, testContext()),
    ).toThrow(FieldError);
    expect(() =>
      mysqlOutput.create({ connection, write: { table: 'orders', mode: 'replace' } }, testContext()),
    ).toThrow(new FieldError('conflict.key', 'replace needs the key columns that identify a row'));
  });
});
