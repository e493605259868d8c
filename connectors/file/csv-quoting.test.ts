import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { leadingBreaks, lineBreaks, quotedFields } from './csv-quoting';

const standard = { delimiter: ',', quote: '"', escape: '"' };

/** The raw texts csv-parse hands the reader, so the helpers are tested on what they really get. */
function raws(text: string, options = standard): string[] {
  const records = parse(text, { ...options, raw: true, skip_empty_lines: true }) as unknown;
  return (records as { raw: string }[]).map((r) => r.raw);
}

describe('quotedFields', () => {
  it('tells quoted fields from bare ones, whatever they hold', () => {
    const [raw] = raws('"",,"a,""b""",c,"multi\nline",\n');
    expect(quotedFields(raw, standard)).toEqual([true, false, true, false, true, false]);
  });

  it('follows another delimiter, quote and escape', () => {
    const options = { delimiter: ';', quote: "'", escape: '\\' };
    const [raw] = raws("'it\\'s';;'';x\n", options);
    expect(quotedFields(raw, options)).toEqual([true, false, true, false]);
    const tab = { delimiter: '\t', quote: '"', escape: '"' };
    expect(quotedFields(raws('a\t""\t\n', tab)[0], tab)).toEqual([false, true, false]);
  });

  it('skips the empty lines csv-parse leaves at the start of a record', () => {
    const [, second] = raws('a,b\n\n\n"",x\n');
    expect(quotedFields(second, standard)).toEqual([true, false]);
  });
});

describe('line counting', () => {
  it('counts LF, CRLF and lone CR breaks once each', () => {
    expect(lineBreaks('a\nb\r\nc\rd')).toBe(3);
    expect(lineBreaks('')).toBe(0);
  });

  it('gives each record its first line, with skipped empty lines and multi-line fields', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['h1,h2', '1,"two', 'lines"', '', '', '3,x', '4,y'].join(eol) + eol;
      let lines = 0;
      const starts = raws(text).map((raw) => {
        const start = lines + leadingBreaks(raw) + 1;
        lines += lineBreaks(raw);
        return start;
      });
      expect(starts, JSON.stringify(eol)).toEqual([1, 2, 6, 7]);
      expect(lines).toBe(7);
    }
  });
});
