import { utilityProcess } from 'electron';
import type { RunHandle, RunLauncher } from '../jobs/run-launcher';
import { RUN_V8_FLAGS, type StartMessage } from '../jobs/run-protocol';

type RunMessageListener = Parameters<RunHandle['onMessage']>[0];
type RunMessage = Parameters<RunMessageListener>[0];

/**
 * The desktop's RunLauncher: each run in its own Electron utility process (a Node
 * process Electron manages and kills with the app), speaking the same run protocol as
 * the forked worker of `fustgo serve`.
 */
export function createUtilityLauncher(options: { workerPath: string }): RunLauncher {
  return {
    launch(start: StartMessage): RunHandle {
      const child = utilityProcess.fork(options.workerPath, [], {
        serviceName: 'FustGo run',
        stdio: 'inherit',
        execArgv: RUN_V8_FLAGS,
      });
      child.once('spawn', () => child.postMessage(start));
      return {
        onMessage(listener: RunMessageListener) {
          child.on('message', (message: RunMessage) => listener(message));
        },
        onExit(listener) {
          // A utility process reports only its exit code; a crash shows as a non-zero code.
          child.once('exit', (code: number) => listener(code, null));
        },
        cancel() {
          child.postMessage({ type: 'cancel' });
        },
        pause() {
          child.postMessage({ type: 'pause' });
        },
        get pid() {
          return child.pid;
        },
        kill() {
          child.kill();
        },
      };
    },
  };
}
