import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createForkLauncher, type RunLauncher } from '../jobs/run-launcher';
import type { RunMessage, StartMessage } from '../jobs/run-protocol';
import type { RunResult } from '../engine/runtime';
import { createServices, type Services } from '../services';
import { components } from '../../connectors/index';
import { createRegistry } from '../engine/registry';
import { openStore } from '../store/open-store';
import { createPluginSettings } from './plugin-settings';
import { ApiError } from '../../src-shared/api/errors';
import type { Execution } from '../../src-shared/api/model';

/*
 * Switching components off and on through the services: validation and runs see a change at
 * once, the run process is told the list, and the list outlives a restart of the services.
 */

const workerPath = fileURLToPath(new URL('../jobs/run-worker.ts', import.meta.url));

/** A fork launcher (run processes from source) that keeps every start message it sent. */
function recordingLauncher(): RunLauncher & { starts: StartMessage[] } {
  const fork = createForkLauncher({ workerPath, execArgv: ['--import', 'tsx'] });
  const starts: StartMessage[] = [];
  return {
    starts,
    launch(start) {
      starts.push(start);
      return fork.launch(start);
    },
  };
}

const config = (output: string) => `version: 1
input:
  type: generate
  count: 20
  columns:
    - { name: id, generator: sequence }
pipeline:
  processors:
    - type: filter
      condition: id > 5
output:
  type: file
  path: ${JSON.stringify(output)}
`;

const DISABLED_FILTER =
  'processor "filter" is disabled in this installation (Plugins page or FUSTGO_DISABLED_COMPONENTS); enabled:';

describe('plugin settings', () => {
  let dataDir: string;
  let launcher: ReturnType<typeof recordingLauncher>;
  let services: Services;

  const start = async () => {
    services = await createServices({
      dataDir,
      examplesDir: join(dataDir, 'none'),
      launcher,
      logger: pino({ level: 'silent' }),
    });
  };

  /** Polls the execution until it left `running`. */
  const finished = async (id: string): Promise<Execution> => {
    for (let i = 0; i < 300; i++) {
      const execution = await services.api.getExecution({ id });
      if (!['pending', 'running'].includes(execution.status)) return execution;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`execution ${id} did not finish`);
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-plugin-settings-'));
    launcher = recordingLauncher();
    await start();
  });
  afterEach(async () => {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a disabled processor fails validation and runs at once, works again when enabled, and stays off after a restart', async () => {
    const output = join(dataDir, 'out.jsonl');
    const job = await services.api.createJob({ name: 'filtered', config_yaml: config(output) });

    const off = await services.api.setPluginEnabled({ kind: 'processor', name: 'filter', enabled: false });
    expect(off).toMatchObject({ kind: 'processor', name: 'filter', enabled: false });
    expect((await services.api.listPlugins({})).find((p) => p.name === 'filter')?.enabled).toBe(false);
    const checked = await services.api.validateConfig({ config_yaml: config(output), file_name: 'f.yaml' });
    expect(checked.valid).toBe(false);
    expect(checked.problems[0]).toMatchObject({ path: 'pipeline.processors[0].type', line: 9 });
    expect(checked.problems[0].message).toContain(DISABLED_FILTER);
    const refused = await services.api.startJob({ id: job.id }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('invalid_config');
    expect(launcher.starts).toHaveLength(0);

    await services.close();
    await start();
    expect((await services.api.validateConfig({ config_yaml: config(output) })).valid).toBe(false);

    await services.api.setPluginEnabled({ kind: 'processor', name: 'filter', enabled: true });
    await services.api.setPluginEnabled({ kind: 'processor', name: 'deduplicate', enabled: false });
    expect((await services.api.validateConfig({ config_yaml: config(output) })).valid).toBe(true);
    const run = await services.api.startJob({ id: job.id });
    expect(await finished(run.id)).toMatchObject({ status: 'completed', records_written: 15 });
    expect(readFileSync(output, 'utf8').trimEnd().split('\n')).toHaveLength(15);
    // The run process got the registry as it was when the run started.
    expect(launcher.starts[0].env?.FUSTGO_DISABLED_COMPONENTS).toBe('processor:deduplicate');

    await services.close();
    await start();
    const plugins = await services.api.listPlugins({});
    expect(plugins.filter((p) => !p.enabled).map((p) => `${p.kind}:${p.name}`)).toEqual([
      'processor:deduplicate',
    ]);
  });

  it('refuses unknown components', async () => {
    const unknown = await services.api
      .setPluginEnabled({ kind: 'output', name: 'nope', enabled: false })
      .catch((error: unknown) => error);
    expect(unknown).toMatchObject({ code: 'not_found', message: 'no output component named "nope"' });
  });

  it('leaves what the host switches off (FUSTGO_DISABLED_COMPONENTS) off, saying where to change it', async () => {
    const store = await openStore({ file: ':memory:' });
    try {
      const hostDisabled = ['output:sqlite'];
      const registry = createRegistry(components, { disabled: hostDisabled });
      const logger = pino({ level: 'silent' });
      const plugins = await createPluginSettings({ db: store.db, registry, logger, hostDisabled });
      const refused = await plugins.api
        .setPluginEnabled({ kind: 'output', name: 'sqlite', enabled: true })
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({
        code: 'conflict',
        message:
          'output "sqlite" is switched off for this host by FUSTGO_DISABLED_COMPONENTS; remove it there to enable it',
      });
      expect(registry.isDisabled('output', 'sqlite')).toBe(true);
      // Changes in a row each see the one before (none is lost to a concurrent read).
      await Promise.all(
        ['filter', 'mapping', 'transform'].map((name) =>
          plugins.api.setPluginEnabled({ kind: 'processor', name, enabled: false }),
        ),
      );
      const fresh = createRegistry(components);
      await createPluginSettings({ db: store.db, registry: fresh, logger, hostDisabled: [] });
      expect(fresh.disabledKeys()).toEqual(['processor:filter', 'processor:mapping', 'processor:transform']);
    } finally {
      await store.close();
    }
  });

  it('a run process refuses a component its start message says is switched off', async () => {
    const handle = createForkLauncher({ workerPath, execArgv: ['--import', 'tsx'] }).launch({
      type: 'start',
      execution_id: 'e1',
      job_id: 'j1',
      config_yaml: config(join(dataDir, 'never.jsonl')),
      file_name: 'f.yaml',
      base_dir: dataDir,
      data_dir: dataDir,
      env: { FUSTGO_DISABLED_COMPONENTS: 'processor:filter' },
    });
    const result = await new Promise<RunResult>((resolve, reject) => {
      let last: RunResult | undefined;
      handle.onMessage((message: RunMessage) => {
        if (message.type === 'result') last = message.result;
      });
      handle.onExit(() => (last ? resolve(last) : reject(new Error('no result'))));
    });
    expect(result.status).toBe('failed');
    expect(result.error).toContain(DISABLED_FILTER);
  });
});
