/**
 * A bounded async channel: the hand-over between pipeline stages. A sender waits while the
 * buffer is full, so a slow consumer slows the producer and memory stays flat.
 */

/** Raised by `send` on a closed channel, and to senders when the receiver stopped early. */
export class ChannelClosedError extends Error {
  constructor(message = 'the channel is closed') {
    super(message);
    this.name = 'ChannelClosedError';
  }
}

interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

interface PendingSend<T> extends Waiter<void> {
  item: T;
}

export interface ChannelOptions {
  /** Aborting it fails the channel with the signal's reason: every waiting send and receive rejects. */
  signal?: AbortSignal;
  /** Told how long each `send` that found the buffer full waited (the producer was blocked). */
  onSendWait?(ms: number): void;
  /** Told how long each `receive` that found the buffer empty waited (the consumer was starved). */
  onReceiveWait?(ms: number): void;
}

/**
 * `send` on one side, `for await` (or `receive`) on the other. At most `capacity` items are
 * buffered; `close()` ends the stream once the buffer is drained; `fail(error)` drops the
 * buffer and rejects both sides. A receiver that leaves a `for await` early fails the channel
 * with `ChannelClosedError`, so its producer stops instead of waiting forever.
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private readonly senders: PendingSend<T>[] = [];
  private readonly receivers: Waiter<IteratorResult<T>>[] = [];
  private closed = false;
  private failure: { error: unknown } | null = null;
  private readonly detachSignal: () => void = () => {};
  private readonly onSendWait: ((ms: number) => void) | undefined;
  private readonly onReceiveWait: ((ms: number) => void) | undefined;

  constructor(
    /** Items the buffer holds before `send` waits (at least 1). */
    readonly capacity: number,
    options: ChannelOptions = {},
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`channel capacity must be a positive integer, got ${capacity}`);
    }
    const { signal } = options;
    this.onSendWait = options.onSendWait;
    this.onReceiveWait = options.onReceiveWait;
    if (signal?.aborted) this.fail(signal.reason);
    else if (signal) {
      const onAbort = () => this.fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
  }

  /** Items buffered now. */
  get size(): number {
    return this.buffer.length;
  }

  /** True once `close()` or `fail()` was called. */
  get isClosed(): boolean {
    return this.closed || this.failure !== null;
  }

  /**
   * Hands `item` over; resolves once it is buffered or taken. Rejects when the channel is
   * closed or failed (also while waiting), or when `signal` aborts while waiting.
   */
  send(item: T, signal?: AbortSignal): Promise<void> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.closed) return Promise.reject(new ChannelClosedError('send on a closed channel'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const receiver = this.receivers.shift();
    if (receiver) {
      receiver.resolve({ value: item, done: false });
      return Promise.resolve();
    }
    if (this.buffer.length < this.capacity) {
      this.buffer.push(item);
      return Promise.resolve();
    }
    return this.wait(this.senders, signal, this.onSendWait, (resolve, reject) => ({ item, resolve, reject }));
  }

  /**
   * The next item, or `{ done: true }` once the channel is closed and drained. Rejects when
   * the channel failed, or when `signal` aborts while waiting.
   */
  receive(signal?: AbortSignal): Promise<IteratorResult<T>> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as T;
      const sender = this.senders.shift();
      if (sender) {
        this.buffer.push(sender.item);
        sender.resolve();
      }
      this.detachWhenDrained();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    if (signal?.aborted) return Promise.reject(signal.reason);
    return this.wait(this.receivers, signal, this.onReceiveWait, (resolve, reject) => ({ resolve, reject }));
  }

  /** No more items: receivers get what is buffered, then the end; waiting senders reject. */
  close(): void {
    if (this.isClosed) return;
    this.closed = true;
    for (const sender of this.senders.splice(0))
      sender.reject(new ChannelClosedError('the channel was closed'));
    for (const receiver of this.receivers.splice(0)) receiver.resolve({ value: undefined, done: true });
    this.detachWhenDrained();
  }

  /** Ends the channel with `error`: the buffer is dropped and both sides reject with it. */
  fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.buffer.length = 0;
    for (const sender of this.senders.splice(0)) sender.reject(error);
    for (const receiver of this.receivers.splice(0)) receiver.reject(error);
    this.detachSignal();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.receive(),
      return: async () => {
        if (!this.closed || this.buffer.length > 0) this.fail(new ChannelClosedError('the receiver stopped'));
        return { value: undefined, done: true };
      },
    };
  }

  /**
   * Queues a waiter that leaves the queue and rejects if `signal` aborts first; `waited` is told
   * how long it waited, however it ended (only waits that block read the clock).
   */
  private wait<V, W extends Waiter<V>>(
    queue: W[],
    signal: AbortSignal | undefined,
    waited: ((ms: number) => void) | undefined,
    make: (resolve: (value: V) => void, reject: (error: unknown) => void) => W,
  ): Promise<V> {
    const began = waited ? performance.now() : 0;
    const report = () => waited?.(performance.now() - began);
    return new Promise<V>((resolve, reject) => {
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        report();
        reject(signal?.reason);
      };
      const waiter = make(
        (value) => {
          signal?.removeEventListener('abort', onAbort);
          report();
          resolve(value);
        },
        (error) => {
          signal?.removeEventListener('abort', onAbort);
          report();
          reject(error);
        },
      );
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private detachWhenDrained(): void {
    if (this.closed && this.buffer.length === 0) this.detachSignal();
  }
}
