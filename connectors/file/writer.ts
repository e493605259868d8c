import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished as streamFinished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import iconv from 'iconv-lite';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { Output } from '../../src-main/engine/component';
import { SerialQueue } from '../shared/serial-queue';
import { toJsonSafe } from '../shared/values';
import { formatCount } from '../../src-shared/text/count';
import { createCsvFormatter } from './csv-format';
import { isUtf8 } from './streams';
import type { FileFormat } from './types';

/** Everything the file writer needs, resolved from the config. */
export interface FileWriteOptions {
  /** Absolute path of the file. */
  path: string;
  format: FileFormat;
  gzip: boolean;
  encoding: string;
  header: boolean;
  delimiter: string;
  quote: string;
  escape: string;
  nullValue: string;
  mode: 'overwrite' | 'append';
}

interface Sink {
  head: Writable;
  finished: Promise<void>;
  /** Where bytes go: a temp file beside the target for overwrite, the target itself for append. */
  target: string;
}

/** Formats rows as JSON Lines, one object per row keyed by column name. */
export function formatJsonLines(columns: Column[], rows: Row[]): string {
  let text = '';
  for (const row of rows) {
    const record: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      record[c.name] = toJsonSafe(row[i]);
    });
    text += `${JSON.stringify(record)}\n`;
  }
  return text;
}

/**
 * Writes batches to one CSV / JSON Lines file. Lanes are serialised through a queue; overwrite
 * writes a temp file renamed into place on a successful close, so a failed run leaves no half file.
 */
export class FileWriter implements Output {
  private readonly queue = new SerialQueue();
  private sink: Sink | undefined;
  private needsHeader: boolean;
  private readonly formatCsv: (rows: Row[]) => string;
  private rowsWritten = 0;

  constructor(private readonly options: FileWriteOptions) {
    this.needsHeader = options.format === 'csv' && options.header;
    this.formatCsv = createCsvFormatter(options);
  }

  /** Resolves once the batch is handed to the file stream, waiting for it to drain when its buffer is full. */
  write(batch: Batch): Promise<void> {
    return this.queue.run(() => this.writeBatch(batch));
  }

  async close(error?: Error): Promise<string | void> {
    await this.queue.drain();
    if (error && this.options.mode === 'append') {
      // Appended rows were acknowledged: flush them, the file keeps them.
      if (this.sink) await this.finish(this.sink);
      return `${formatCount(this.rowsWritten)} rows were appended to ${this.options.path} before the run stopped`;
    }
    if (error) {
      await this.abandon();
      const discarded =
        this.rowsWritten > 0
          ? `, so the ${formatCount(this.rowsWritten)} rows written went away with the temporary file`
          : '';
      return `${this.options.path} was left as it was: the run did not complete${discarded}`;
    }
    const sink = this.sink ?? (await this.openSink());
    await this.finish(sink);
    if (sink.target !== this.options.path) await rename(sink.target, this.options.path);
  }

  /** Ends the stream and fsyncs the file: before a rename, a crash must not leave a renamed but empty file. */
  private async finish(sink: Sink): Promise<void> {
    sink.head.end();
    await sink.finished;
    const handle = await open(sink.target, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private async writeBatch(batch: Batch): Promise<void> {
    const sink = this.sink ?? (await this.openSink());
    let text = '';
    if (this.needsHeader) {
      text += this.formatCsv([batch.columns.map((c) => c.name)]);
      this.needsHeader = false;
    }
    text +=
      this.options.format === 'csv' ? this.formatCsv(batch.rows) : formatJsonLines(batch.columns, batch.rows);
    if (!sink.head.write(text)) await Promise.race([once(sink.head, 'drain'), sink.finished]);
    this.rowsWritten += batch.rows.length;
  }

  private async openSink(): Promise<Sink> {
    const { options } = this;
    await mkdir(path.dirname(options.path), { recursive: true });
    const append = options.mode === 'append';
    if (append && this.needsHeader) {
      const existing = await stat(options.path).catch(() => undefined);
      this.needsHeader = !existing || existing.size === 0;
    }
    const target = append ? options.path : `${options.path}.${process.pid}.${Date.now()}.tmp`;
    const file = createWriteStream(target, { flags: append ? 'a' : 'w' });
    const stages: NodeJS.ReadWriteStream[] = [];
    if (!isUtf8(options.encoding)) stages.push(iconv.encodeStream(options.encoding));
    if (options.gzip) stages.push(createGzip());
    const finished = stages.length > 0 ? pipeline([...stages, file]) : streamFinished(file);
    // Errors surface through `write`/`close`; this keeps a failure before then from being unhandled.
    finished.catch(() => undefined);
    // iconv-lite's and zlib's streams are stream.Transform instances; the typings only say ReadWriteStream.
    const head = (stages[0] ?? file) as unknown as Writable;
    this.sink = { head, finished, target };
    return this.sink;
  }

  private async abandon(): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    sink.head.destroy();
    await sink.finished.catch(() => undefined);
    if (sink.target !== this.options.path) await unlink(sink.target).catch(() => undefined);
  }
}
