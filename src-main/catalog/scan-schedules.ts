/**
 * Per-connection scan timers: every N minutes `onDue(connectionId)`. Timers do not keep the
 * process alive, and `clear()` stops them all (when the services close).
 */
export class ScanSchedules {
  private readonly timers = new Map<string, ReturnType<typeof setInterval>>();

  constructor(private readonly options: { minuteMs: number; onDue: (connectionId: string) => void }) {}

  /** Starts, changes or (with null) stops the connection's schedule. */
  set(connectionId: string, minutes: number | null): void {
    const timer = this.timers.get(connectionId);
    if (timer !== undefined) clearInterval(timer);
    this.timers.delete(connectionId);
    if (minutes === null) return;
    const next = setInterval(() => this.options.onDue(connectionId), minutes * this.options.minuteMs);
    next.unref?.();
    this.timers.set(connectionId, next);
  }

  /** Connections with a running schedule. */
  scheduled(): string[] {
    return [...this.timers.keys()];
  }

  clear(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
