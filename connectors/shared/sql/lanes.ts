import { SerialQueue } from '../serial-queue';

/*
 * Writing from several lanes at once. A database server writer keeps one connection per lane, so
 * `pipeline.channels` lanes commit in parallel; what must happen once for the whole run (pre_sql,
 * creating the table, truncate_insert's TRUNCATE) is shared between them here.
 */

/** How a writer opens and lets go of its connections. */
export interface ConnectionHooks<C> {
  open(): Promise<C>;
  /** Ends a connection politely, at the end of the run. */
  end(connection: C): Promise<void>;
  /** Lets go of a connection that broke (the server killed it, the network dropped it). */
  discard(connection: C): Promise<void> | void;
}

/**
 * One connection per lane, each opened on the lane's first use. A lane's work runs one task at a
 * time (a connection runs one transaction at a time); different lanes run at once.
 */
export class LaneConnections<C> {
  private readonly connections = new Map<number, Promise<C>>();
  private readonly queues = new Map<number, SerialQueue>();

  constructor(private readonly hooks: ConnectionHooks<C>) {}

  /** Runs `task` for `lane` once the lane's earlier tasks have settled. */
  run<T>(lane: number, task: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(lane);
    if (!queue) this.queues.set(lane, (queue = new SerialQueue()));
    return queue.run(task);
  }

  /** The lane's connection, opened on first use, or again after `discard`, or after opening it failed. */
  get(lane: number): Promise<C> {
    const existing = this.connections.get(lane);
    if (existing) return existing;
    const opening = this.hooks.open();
    this.connections.set(lane, opening);
    opening.catch(() => {
      if (this.connections.get(lane) === opening) this.connections.delete(lane);
    });
    return opening;
  }

  /** A lane whose connection is open (the lowest), else 0: work at the end of a run reuses it. */
  anyLane(): number {
    const open = [...this.connections.keys()];
    return open.length > 0 ? Math.min(...open) : 0;
  }

  /** Lets go of the lane's connection after it broke; the lane's next `get` opens a new one. */
  async discard(lane: number): Promise<void> {
    const connection = this.connections.get(lane);
    this.connections.delete(lane);
    const open = await connection?.catch(() => undefined);
    if (open !== undefined) await this.hooks.discard(open);
  }

  /** Resolves once every task queued so far, in every lane, has settled. */
  async drain(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.drain()));
  }

  /** Waits for every lane's work, then ends every connection. */
  async close(): Promise<void> {
    await this.drain();
    const connections = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      connections.map(async (opening) => {
        const open = await opening.catch(() => undefined);
        if (open !== undefined) await this.hooks.end(open).catch(() => undefined);
      }),
    );
  }
}

/**
 * Runs a task once for all lanes: the first caller starts it, every other waits for the same
 * outcome. A failure is not kept: the next caller tries again (after a retry, say).
 */
export class Once {
  private running: Promise<void> | undefined;
  private finished = false;

  get done(): boolean {
    return this.finished;
  }

  run(task: () => Promise<void>): Promise<void> {
    this.running ??= task().then(
      () => {
        this.finished = true;
      },
      (error: unknown) => {
        this.running = undefined;
        throw error;
      },
    );
    return this.running;
  }
}

/**
 * Lets the first transaction that commits carry what must come before every lane's rows
 * (truncate_insert's TRUNCATE, in the same transaction as the first rows, so a failure keeps the
 * old rows). While that is pending, transactions run one at a time, each told it is the first;
 * once one committed, every later one runs at once, told it is not.
 */
export class FirstCommit {
  private readonly queue = new SerialQueue();

  constructor(private waiting: boolean) {}

  /** True until a transaction told it was the first has committed. */
  get pending(): boolean {
    return this.waiting;
  }

  async run<T>(transaction: (first: boolean) => Promise<T>): Promise<T> {
    if (!this.waiting) return transaction(false);
    const outcome = await this.queue.run(async () => {
      if (!this.waiting) return undefined;
      // A failure leaves it pending: the next transaction in line is then the first.
      const value = await transaction(true);
      this.waiting = false;
      return { value };
    });
    return outcome ? outcome.value : transaction(false);
  }
}
