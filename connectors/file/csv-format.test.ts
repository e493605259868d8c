import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createCsvFormatter } from './csv-format';

describe('CSV formatter', () => {
  const standard = createCsvFormatter({ delimiter: ',', quote: '"', escape: '"', nullValue: '' });

  it('quotes only what needs it and keeps null and empty text apart', () => {
    expect(standard([['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', '', null, 7, 2n, true]])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","cr\r","",,7,2,true\n',
    );
  });

  it('writes dates as ISO 8601 and objects as JSON, readable back by csv-parse', () => {
    const text = standard([[new Date('2024-01-02T03:04:05Z'), { a: [1, 'x'] }]]);
    expect(parse(text)).toEqual([['2024-01-02T03:04:05.000Z', '{"a":[1,"x"]}']]);
  });

  it('follows another delimiter, quote, escape and null text', () => {
    const format = createCsvFormatter({ delimiter: ';', quote: "'", escape: '\\', nullValue: 'NULL' });
    const text = format([["it's", 'a;b', 'back\\slash', null, 'NULL', '']]);
    expect(text).toBe("'it\\'s';'a;b';'back\\\\slash';NULL;'NULL';\n");
    expect(parse(text, { delimiter: ';', quote: "'", escape: '\\' })).toEqual([
      ["it's", 'a;b', 'back\\slash', 'NULL', 'NULL', ''],
    ]);
  });
});
