import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import { RUN_V8_FLAGS, type RunMessage, type StartMessage } from './run-protocol';

/** One launched run process, as the job service drives it. */
export interface RunHandle {
  /** Messages from the run (progress, log, checkpoint, result); the caller validates them. */
  onMessage(listener: (message: RunMessage) => void): void;
  /** Called once when the process ended; `signal` is set when it was killed by one. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  /** Asks the run to stop; it sends a `cancelled` result and exits. */
  cancel(): void;
  /** Asks the run to pause: it writes what it read, commits its checkpoints, sends a `paused` result and exits. */
  pause(): void;
  /** The run process's id, once it exists (tests kill it to prove recovery). */
  readonly pid: number | undefined;
  /** Ends the process at once (after a cancel that was not honoured). */
  kill(): void;
}

/** Starts each run in its own process: `child_process.fork` headless, `utilityProcess` in Electron. */
export interface RunLauncher {
  launch(start: StartMessage): RunHandle;
}

export interface ForkLauncherOptions {
  /** The run-worker entry: `out/main/run-worker.js`, or `src-main/jobs/run-worker.ts` with tsx. */
  workerPath: string;
  /** Node flags of the run process, e.g. `['--import', 'tsx']` when running from source. */
  execArgv?: string[];
}

/**
 * Runs each execution in a forked Node process. What the process writes to stderr (an
 * uncaught exception, a native crash report) comes back as `error` log messages, so a
 * crash is explained where the user looks.
 */
export function createForkLauncher(options: ForkLauncherOptions): RunLauncher {
  return {
    launch(start) {
      const child = fork(options.workerPath, [], {
        execArgv: [...RUN_V8_FLAGS, ...(options.execArgv ?? [])],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      const messageListeners: ((message: RunMessage) => void)[] = [];
      const exitListeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
      const deliver = (message: RunMessage) => {
        for (const listener of messageListeners) listener(message);
      };
      let exited = false;
      const exit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (exited) return;
        exited = true;
        for (const listener of exitListeners) listener(code, signal);
      };

      child.on('message', (message) => deliver(message as RunMessage));
      if (child.stderr) {
        createInterface({ input: child.stderr }).on('line', (line) => {
          if (line.trim() !== '') deliver({ type: 'log', level: 'error', message: line });
        });
      }
      // 'close' (not 'exit') fires after stdio and IPC drained, so no message arrives after it.
      child.on('close', exit);
      child.on('error', (error) => {
        deliver({ type: 'log', level: 'error', message: `run process: ${error.message}` });
        if (child.pid === undefined) exit(null, null);
      });
      child.send(start, (error) => {
        if (error) deliver({ type: 'log', level: 'error', message: `run process: ${error.message}` });
      });

      return {
        onMessage: (listener) => void messageListeners.push(listener),
        onExit: (listener) => void exitListeners.push(listener),
        cancel() {
          if (child.connected) child.send({ type: 'cancel' });
        },
        pause() {
          if (child.connected) child.send({ type: 'pause' });
        },
        get pid() {
          return child.pid;
        },
        kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      };
    },
  };
}
