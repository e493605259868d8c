/**
 * Runs tasks one at a time in the order they were queued. Outputs use it because lanes call
 * `write` concurrently while one file or one database connection takes one thing at a time.
 * A failed task rejects its own caller only; the queue goes on.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
