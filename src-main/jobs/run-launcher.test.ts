import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createForkLauncher } from './run-launcher';
import type { RunMessage, StartMessage } from './run-protocol';

const launcher = createForkLauncher({
  workerPath: fileURLToPath(new URL('./run-worker.ts', import.meta.url)),
  execArgv: ['--import', 'tsx'],
});

/** Launches a run and collects its messages until the process exits. */
function runToExit(start: StartMessage): Promise<{ messages: RunMessage[]; code: number | null }> {
  return new Promise((resolve) => {
    const messages: RunMessage[] = [];
    const handle = launcher.launch(start);
    handle.onMessage((message) => messages.push(message));
    handle.onExit((code) => resolve({ messages, code }));
  });
}

describe('forked run worker', () => {
  let dir: string;
  const start = (config_yaml: string): StartMessage => ({
    type: 'start',
    execution_id: 'e1',
    job_id: 'j1',
    config_yaml,
    file_name: 'job.yaml',
    base_dir: dir,
    data_dir: dir,
    env: { ROWS: '25' },
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-worker-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the config with the given variables, streams checkpoints and ends with the result', async () => {
    const { messages, code } = await runToExit(
      start(
        [
          'version: 1',
          'input:',
          '  type: generate',
          '  count: ${ROWS}',
          '  columns: [{ name: id, generator: sequence }]',
          'output: { type: file, path: out.csv }',
        ].join('\n'),
      ),
    );
    expect(code).toBe(0);
    const result = messages.at(-1);
    expect(result).toMatchObject({
      type: 'result',
      result: { status: 'completed', records_read: 25, records_written: 25, error: null },
    });
    expect(messages.some((m) => m.type === 'checkpoint')).toBe(true);
  });

  it('reports a config problem as a failed result with its location', async () => {
    const { messages, code } = await runToExit(
      start('version: 1\ninput: { type: nope }\noutput: { type: file }\n'),
    );
    expect(code).toBe(0);
    const result = messages.find((m) => m.type === 'result');
    expect(result?.type === 'result' && result.result.status).toBe('failed');
    expect(result?.type === 'result' && result.result.error).toMatch(/^job\.yaml:2:\d+: input\.type: /);
  });
});
