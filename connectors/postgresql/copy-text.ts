import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Column, Row } from '../../src-main/engine/batch';
import { isoUtc, toJsonSafe } from '../shared/values';

/*
 * Rows as COPY … FROM STDIN text format (https://www.postgresql.org/docs/current/sql-copy.html):
 * tab between columns, newline after each row, \N for NULL, backslash escapes in values.
 */

/** Encodes one value of a column as COPY text. */
export type CopyEncoder = (value: unknown) => string;

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes the characters COPY text gives a meaning to; most values have none, so test first. */
export function escapeCopyText(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : text;
}

/** Any value by its JS type: bool t/f, Date ISO, bytes as bytea hex, objects as JSON. */
export function encodeCopyValue(value: unknown): string {
  if (value === null || value === undefined) return NULL;
  switch (typeof value) {
    case 'string':
      return escapeCopyText(value);
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
  }
  if (value instanceof Date) return isoUtc(value);
  // bytea hex input is `\x…`; the backslash itself is escaped for COPY.
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value).toString('hex')}`;
  return encodeJson(value);
}

/** A json value is the parsed value: a string "a" is the JSON text `"a"`, not `a`. */
function encodeJson(value: unknown): string {
  return value === null || value === undefined ? NULL : escapeCopyText(JSON.stringify(toJsonSafe(value)));
}

/** One encoder per column: json columns serialise every value, the rest go by the value's type. */
export function copyEncoders(columns: Column[]): CopyEncoder[] {
  return columns.map((c) => (c.type === 'json' ? encodeJson : encodeCopyValue));
}

/** COPY text in chunks of about `chunkChars` characters: one write per row costs three times as much. */
export function* copyTextChunks(
  rows: Row[],
  encoders: CopyEncoder[],
  chunkChars = 65_536,
): Generator<string> {
  let chunk = '';
  const last = encoders.length - 1;
  for (const row of rows) {
    // Appended value by value: no string per row to build and then copy into the chunk.
    for (let i = 0; i < last; i++) chunk += encoders[i](row[i]) + '\t';
    chunk += encoders[last](row[last]) + '\n';
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Sends rows as COPY text into a COPY … FROM STDIN stream and resolves once PostgreSQL has
 * taken them. Chunks are written directly, waiting only when the socket is full: a
 * `Readable.from` pipeline around the generator cost more than the formatting itself.
 */
export async function sendCopyText(copy: Writable, rows: Row[], encoders: CopyEncoder[]): Promise<void> {
  const done = finished(copy);
  // Keeps an early failure (a bad value, a lost connection) from surfacing as an unhandled rejection.
  done.catch(() => undefined);
  for (const chunk of copyTextChunks(rows, encoders)) {
    if (copy.destroyed) break;
    if (!copy.write(chunk)) await Promise.race([once(copy, 'drain'), done]);
  }
  copy.end();
  await done;
}
