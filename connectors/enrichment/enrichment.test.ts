import Ajv from 'ajv';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Column } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { collectingContext, fieldErrorOf } from '../shared/processor-testing';
import { tempContext, testContext } from '../shared/test-support';
import { enrichmentProcessor } from './spec';
import { runBatch } from './test-support';

type Config = Parameters<typeof enrichmentProcessor.create>[0];

const orders: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'country', type: 'string' },
  { name: 'customer_id', type: 'int' },
];

const COUNTRIES = [
  { code: 'DE', name: 'Germany', eu: true, vat: 19 },
  { code: 'CH', name: 'Switzerland', eu: false, vat: 8.1 },
  { code: 'DE', name: 'Deutschland (second row, ignored)', eu: true, vat: 19 },
];

async function opened(config: Config, ctx = testContext()) {
  const processor = enrichmentProcessor.create(config, ctx);
  await processor.open?.();
  return processor;
}

const staticCountries = (extra: Partial<Config> = {}): Config => ({
  lookup: { type: 'static', rows: COUNTRIES },
  key: { code: 'country' },
  fields: { country_name: 'name', in_eu: 'eu', vat_rate: 'vat' },
  ...extra,
});

describe('enrichment processor', () => {
  it('has examples that fit its schema and create', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(enrichmentProcessor.schema);
    for (const example of enrichmentProcessor.examples ?? []) {
      expect(validate(example.config), `${example.title}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(() => enrichmentProcessor.create(example.config as never, testContext())).not.toThrow();
    }
  });

  describe('static table', () => {
    it('adds the fields of the matching row, typed by the values, the first row of a key winning', async () => {
      const processor = await opened(staticCountries());
      const bound = processor.bind(orders);
      expect(bound.columns.slice(3).map((c) => `${c.name}:${c.type}`)).toEqual([
        'country_name:string',
        'in_eu:bool',
        'vat_rate:float',
      ]);
      expect(
        await runBatch(
          bound,
          [
            [1, 'DE', 7],
            [2, 'CH', 8],
            [3, 'FR', 9],
            [4, null, 9],
          ],
          failOnReject,
        ),
      ).toEqual([
        [1, 'DE', 7, 'Germany', true, 19],
        [2, 'CH', 8, 'Switzerland', false, 8.1],
        [3, 'FR', 9, null, null, null],
        [4, null, 9, null, null, null],
      ]);
      await processor.close?.();
    });

    it('drops or dead-letters rows without a match, as on_miss says', async () => {
      const rows = [
        [1, 'DE', 7],
        [3, 'FR', 9],
        [4, null, 9],
      ];
      const drop = (await opened(staticCountries({ on_miss: 'drop' }))).bind(orders);
      expect((await runBatch(drop, rows, failOnReject)).map((r) => r[0])).toEqual([1]);
      const deadLetter = (await opened(staticCountries({ on_miss: 'dead_letter' }))).bind(orders);
      const ctx = collectingContext();
      expect((await runBatch(deadLetter, rows, ctx)).map((r) => r[0])).toEqual([1]);
      expect(ctx.rejected.map((r) => [r.row[0], r.error])).toEqual([
        [3, 'no match for key country=FR in the inline rows'],
        [4, 'no match for key country=NULL in the inline rows'],
      ]);
    });

    it('matches keys by their text across types, on several fields', async () => {
      const processor = await opened({
        lookup: {
          type: 'static',
          rows: [
            { customer: '7', country: 'DE', tier: 'gold' },
            { customer: '8', country: 'DE', tier: 'silver' },
          ],
        },
        key: { customer: 'customer_id', country: 'country' },
        fields: ['tier'],
      });
      const bound = processor.bind(orders);
      expect(
        await runBatch(
          bound,
          [
            [1, 'DE', 7],
            [2, 'CH', 7],
            [3, 'DE', 8],
          ],
          failOnReject,
        ),
      ).toEqual([
        [1, 'DE', 7, 'gold'],
        [2, 'CH', 7, null],
        [3, 'DE', 8, 'silver'],
      ]);
    });

    it('reads a CSV file relative to the pipeline, converting to declared types', async () => {
      const { dir, ctx, dispose } = tempContext('enrich-csv');
      try {
        writeFileSync(path.join(dir, 'customers.csv'), 'id,name,credit\n7,Ada,1200.50\n8,Grace,80\n');
        const processor = enrichmentProcessor.create(
          {
            lookup: { type: 'static', path: 'customers.csv' },
            key: { id: 'customer_id' },
            fields: { customer: 'name', credit: { from: 'credit', type: 'decimal' } },
          },
          ctx,
        );
        // Before the run opens it, the file's columns are unknown: declared types, else text.
        expect(
          processor
            .bind(orders)
            .columns.slice(3)
            .map((c) => c.type),
        ).toEqual(['string', 'decimal']);
        await processor.open?.();
        const bound = processor.bind(orders);
        expect(
          await runBatch(
            bound,
            [
              [1, 'DE', 8],
              [2, 'DE', 7],
            ],
            failOnReject,
          ),
        ).toEqual([
          [1, 'DE', 8, 'Grace', '80'],
          [2, 'DE', 7, 'Ada', '1200.50'],
        ]);
      } finally {
        dispose();
      }
    });

    it('names what the config gets wrong', async () => {
      expect(
        fieldErrorOf(() =>
          enrichmentProcessor.create({ ...staticCountries(), key: undefined }, testContext()),
        ).path,
      ).toBe('key');
      const badColumn = fieldErrorOf(() =>
        enrichmentProcessor.create(staticCountries({ fields: { country_name: 'nmae' } }), testContext()),
      );
      expect([badColumn.path, badColumn.message]).toEqual([
        'fields.country_name',
        'unknown column "nmae" in the inline rows (did you mean "name"?)',
      ]);
      const processor = await opened(staticCountries({ key: { code: 'contry' } }));
      const badField = fieldErrorOf(() => processor.bind(orders));
      expect([badField.path, badField.message]).toEqual([
        'key.code',
        'unknown column "contry" (did you mean "country"?)',
      ]);
      const clash = await opened(staticCountries({ fields: { country: 'name' } }));
      expect(fieldErrorOf(() => clash.bind(orders)).message).toBe(
        '"country" is already a field of the row; give the added field another name',
      );
      expect(
        fieldErrorOf(() =>
          enrichmentProcessor.create(
            { lookup: { type: 'static' }, key: { code: 'country' }, fields: ['name'] },
            testContext(),
          ),
        ).message,
      ).toBe('a static lookup takes either rows (inline) or path (a CSV or JSON Lines file)');
    });
  });

  describe('SQLite table', () => {
    const { dir, ctx, dispose } = tempContext('enrich-sqlite');
    const file = path.join(dir, 'crm.db');

    beforeAll(() => {
      const db = new Database(file);
      db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, credit DECIMAL TEXT, since DATETIME, vip BOOLEAN);
        INSERT INTO customers VALUES (7, 'Ada', '1200.50', '2021-03-04T05:06:07.000Z', 1), (8, 'Grace', '80.00', NULL, 0);`);
      db.close();
    });
    afterAll(dispose);

    const config = (extra: Partial<Config> = {}): Config => ({
      lookup: { type: 'sqlite', path: 'crm.db', table: 'customers' },
      key: { id: 'customer_id' },
      fields: { customer: 'name', credit: 'credit', since: 'since', vip: 'vip' },
      ...extra,
    });

    it('adds columns typed by the table’s catalog, values as the sqlite input reads them', async () => {
      const processor = enrichmentProcessor.create(config(), ctx);
      await processor.open?.();
      const bound = processor.bind(orders);
      expect(bound.columns.slice(3).map((c) => `${c.name}:${c.type}`)).toEqual([
        'customer:string',
        'credit:decimal',
        'since:timestamp',
        'vip:bool',
      ]);
      expect(
        await runBatch(
          bound,
          [
            [1, 'DE', 7],
            [2, 'DE', 9],
            [3, 'DE', 8],
            [4, 'DE', 7],
          ],
          failOnReject,
        ),
      ).toEqual([
        [1, 'DE', 7, 'Ada', '1200.50', new Date('2021-03-04T05:06:07.000Z'), true],
        [2, 'DE', 9, null, null, null, null],
        [3, 'DE', 8, 'Grace', '80.00', null, false],
        [4, 'DE', 7, 'Ada', '1200.50', new Date('2021-03-04T05:06:07.000Z'), true],
      ]);
      await processor.close?.();
    });

    it('answers from the cache until the ttl passes', async () => {
      const processor = enrichmentProcessor.create(
        config({ fields: ['name'], cache: { size: 10, ttl: '200ms' } }),
        ctx,
      );
      await processor.open?.();
      const bound = processor.bind(orders);
      expect(await runBatch(bound, [[1, 'DE', 8]], failOnReject)).toEqual([[1, 'DE', 8, 'Grace']]);
      const db = new Database(file);
      db.exec(`UPDATE customers SET name = 'Grace Hopper' WHERE id = 8`);
      db.close();
      expect(await runBatch(bound, [[2, 'DE', 8]], failOnReject)).toEqual([[2, 'DE', 8, 'Grace']]);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await runBatch(bound, [[3, 'DE', 8]], failOnReject)).toEqual([[3, 'DE', 8, 'Grace Hopper']]);
      await processor.close?.();
    });

    it('says which column the table lacks, and a declared type that does not fit', async () => {
      const missing = enrichmentProcessor.create(config({ fields: { customer: 'nam' } }), ctx);
      await expect(missing.open?.()).rejects.toThrow(
        'unknown column "nam" in table "customers" (did you mean "name"?)',
      );
      const wrongType = enrichmentProcessor.create(
        config({ fields: { credit: { from: 'credit', type: 'float' } } }),
        ctx,
      );
      await expect(wrongType.open?.()).rejects.toMatchObject({
        path: 'fields.credit',
        message: 'declared float, but column "credit" of table "customers" is decimal (DECIMAL TEXT)',
      });
    });
  });
});
