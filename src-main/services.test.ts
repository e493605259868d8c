import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunLauncher } from './jobs/run-launcher';
import { createServices } from './services';

const unusedLauncher: RunLauncher = {
  launch() {
    throw new Error('no run is started in this test');
  },
};

describe('createServices', () => {
  it('opens the store in the data dir and logs JSON lines to logs/fustgo.log', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fustgo-services-'));
    try {
      const services = await createServices({
        dataDir,
        examplesDir: join(dataDir, 'none'),
        launcher: unusedLauncher,
      });
      expect(await services.api.listJobs({})).toEqual([]);
      expect(await services.api.listExamples({})).toEqual([]);
      await services.close();
      await services.close();
      const lines = readFileSync(join(dataDir, 'logs', 'fustgo.log'), 'utf8')
        .trimEnd()
        .split('\n');
      expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
        'services started',
        'services closed',
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
