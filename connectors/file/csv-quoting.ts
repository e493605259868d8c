/**
 * What csv-parse does not report cheaply: which fields of a record were quoted, and how many
 * lines a record's raw text spans. Its `cast` and `info` hooks do tell, but build an object
 * per field and per record and read CSV five to ten times slower; the reader asks these
 * questions of the record's raw text instead, and only when it needs the answer.
 */

export interface CsvQuoting {
  delimiter: string;
  quote: string;
  escape: string;
}

const LF = 10;
const CR = 13;

/** Line breaks in `text` (LF, CRLF and a lone CR each count once). */
export function lineBreaks(text: string): number {
  let breaks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) breaks++;
  }
  return breaks;
}

/** Line breaks before a record's first character: the empty lines csv-parse skipped, whose text it keeps in the next record's raw. */
export function leadingBreaks(raw: string): number {
  let end = 0;
  while (end < raw.length && (raw.charCodeAt(end) === LF || raw.charCodeAt(end) === CR)) end++;
  return lineBreaks(raw.slice(0, end));
}

/** For each field of one record's raw text, whether it was written in quotes. */
export function quotedFields(raw: string, { delimiter, quote, escape }: CsvQuoting): boolean[] {
  const flags: boolean[] = [];
  let i = 0;
  while (i < raw.length && (raw.charCodeAt(i) === LF || raw.charCodeAt(i) === CR)) i++;
  for (;;) {
    if (quote !== '' && raw.startsWith(quote, i)) {
      flags.push(true);
      i += quote.length;
      // Past the closing quote: an escaped quote (`""`, or `\"` with another escape) does not close.
      while (i < raw.length) {
        if (escape !== quote && raw.startsWith(escape, i) && raw.startsWith(quote, i + escape.length)) {
          i += escape.length + quote.length;
        } else if (raw.startsWith(quote, i)) {
          if (escape === quote && raw.startsWith(quote, i + quote.length)) i += 2 * quote.length;
          else {
            i += quote.length;
            break;
          }
        } else i++;
      }
    } else {
      flags.push(false);
    }
    const next = raw.indexOf(delimiter, i);
    if (next < 0) return flags;
    i = next + delimiter.length;
  }
}
