import { createReadStream } from 'node:fs';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';

/** True for the spellings of UTF-8. */
export function isUtf8(encoding: string): boolean {
  return /^utf-?8$/i.test(encoding);
}

/** Checks an encoding name up front so a typo fails at create time, not mid-run. */
export function assertEncoding(encoding: string): void {
  if (!isUtf8(encoding) && !iconv.encodingExists(encoding)) throw new Error(`unknown encoding "${encoding}"`);
}

/**
 * Opens a file as a stream of text: gunzipped when `gzip`, decoded from `encoding` (utf8 streams
 * Buffers through; other encodings go through iconv-lite), then through `parser` when given.
 * Returns the last stream; destroying it closes the file.
 */
export function openText(
  filePath: string,
  encoding: string,
  gzip: boolean,
  parser?: Transform,
  /** Told how many bytes were read from the file, as they are read (compressed bytes for gzip). */
  onBytes?: (bytes: number) => void,
): Readable {
  // iconv-lite also strips a UTF-8 byte-order mark, which spreadsheet exports often start with.
  const decode = iconv.decodeStream(isUtf8(encoding) ? 'utf8' : encoding);
  const source = createReadStream(filePath);
  if (onBytes) source.on('data', (chunk) => onBytes(chunk.length));
  // pipeline forwards errors to the last stream and destroys the chain when it is destroyed.
  const noop = () => undefined;
  const stages: NodeJS.ReadWriteStream[] = gzip ? [createGunzip(), decode] : [decode];
  if (parser) stages.push(parser);
  // iconv-lite's streams are stream.Transform instances; its typings only say ReadWriteStream.
  return pipeline([source, ...stages], noop) as unknown as Readable;
}
