import { describe, expect, it } from 'vitest';
import { configToValues, fieldProblems, formFields, valuesToConfig } from './schema-form-model';

/** A database server connection's schema as the API sends it (connectors/shared/sql/config.ts). */
const schema = {
  type: 'object',
  required: ['host', 'database', 'username'],
  properties: {
    host: { type: 'string', minLength: 1, default: '127.0.0.1' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 5432 },
    database: { type: 'string', minLength: 1 },
    username: { type: 'string', minLength: 1 },
    password: { type: 'string' },
    ssl: { type: 'boolean', default: false },
    options: { type: 'object', patternProperties: { '^(.*)$': {} } },
  },
};
const fields = formFields(schema, ['password']);

describe('connection form from the schema', () => {
  it('lists the fields in order with kinds, required marks, secrets and defaults', () => {
    expect(fields.map((f) => [f.name, f.kind, f.required, f.secret])).toEqual([
      ['host', 'text', true, false],
      ['port', 'integer', false, false],
      ['database', 'text', true, false],
      ['username', 'text', true, false],
      ['password', 'text', false, true],
      ['ssl', 'boolean', false, false],
      ['options', 'map', false, false],
    ]);
    expect(fields.find((f) => f.name === 'port')).toMatchObject({
      default: 5432,
      minimum: 1,
      maximum: 65535,
    });
  });

  it('turns typed values into a config and a stored config back into values, secrets never pre-filled', () => {
    const config = valuesToConfig(fields, {
      host: ' db.local ',
      port: '5433',
      database: 'dw',
      username: 'etl',
      password: ' pw with spaces ',
      ssl: true,
      options: 'application_name=fustgo\nconnectTimeout=5000\n',
    });
    expect(config).toEqual({
      host: 'db.local',
      port: 5433,
      database: 'dw',
      username: 'etl',
      password: ' pw with spaces ',
      ssl: true,
      options: { application_name: 'fustgo', connectTimeout: 5000 },
    });
    const values = configToValues(fields, { ...config, password: undefined });
    expect(values).toEqual({
      host: 'db.local',
      port: '5433',
      database: 'dw',
      username: 'etl',
      ssl: true,
      options: 'application_name=fustgo\nconnectTimeout=5000',
    });
    expect(valuesToConfig(fields, { host: 'h', port: '', password: '' })).toEqual({ host: 'h' });
  });

  it('says what is wrong as the user types', () => {
    expect(fieldProblems(fields, { host: '', port: '70000', database: 'd', username: 'u' })).toEqual({
      host: 'required',
      port: 'range',
    });
    expect(fieldProblems(fields, { host: 'h', port: '54.5', database: 'd', username: 'u' })).toEqual({
      port: 'integer',
    });
  });
});
