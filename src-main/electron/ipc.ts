import { ipcMain } from 'electron';
import { ipcChannel, routeNames, type StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import { desktopRequestContext, runWithRequestContext } from '../audit/request-context';
import type { Logger } from '../engine/component';
import { validateInput } from '../server/validate-input';

/**
 * The Electron transport: one `ipcMain.handle` per StudioApi method, with the same
 * input validation as HTTP. Failures are thrown as an Error whose message is the
 * ApiError body in JSON (the only part of an error IPC carries); the preload rethrows
 * it as ApiError. Calls from any page other than the app's own renderer are refused.
 */
export function registerIpcHandlers(
  api: StudioApi,
  isTrustedSender: (frameUrl: string | undefined) => boolean,
  logger: Pick<Logger, 'error'>,
): () => void {
  for (const name of routeNames) {
    ipcMain.handle(ipcChannel(name), async (event, input: unknown) => {
      try {
        if (!isTrustedSender(event.senderFrame?.url)) {
          throw new ApiError('bad_request', 'IPC call from an untrusted page');
        }
        const call = api[name] as (input: unknown) => Promise<unknown>;
        const valid = validateInput(name, input ?? {});
        // The audit log records desktop calls as the OS user's (see audit/request-context.ts).
        return await runWithRequestContext(desktopRequestContext(), () => call(valid));
      } catch (error) {
        if (!(error instanceof ApiError))
          logger.error('IPC call failed', { method: name, error: String(error) });
        const body =
          error instanceof ApiError ? error.toBody() : new ApiError('internal', 'internal error').toBody();
        throw new Error(JSON.stringify(body));
      }
    });
  }
  return () => routeNames.forEach((name) => ipcMain.removeHandler(ipcChannel(name)));
}
