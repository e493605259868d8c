import type { Logger } from '../engine/component';

/**
 * The logger the CLI hands to the engine: warnings and errors on stderr, info and
 * debug only when asked (`--verbose`). `beforeWrite` lets a progress line clear itself first.
 */
export function createCliLogger(options: { verbose?: boolean; beforeWrite?: () => void } = {}): Logger {
  const write = (level: string, msg: string, data?: Record<string, unknown>) => {
    options.beforeWrite?.();
    const extra = data && Object.keys(data).length > 0 ? ` ${JSON.stringify(data)}` : '';
    process.stderr.write(`${level}: ${msg}${extra}\n`);
  };
  return {
    debug: (msg, data) => {
      if (options.verbose) write('debug', msg, data);
    },
    info: (msg, data) => {
      if (options.verbose) write('info', msg, data);
    },
    warn: (msg, data) => write('warning', msg, data),
    error: (msg, data) => write('error', msg, data),
  };
}
