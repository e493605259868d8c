import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAppUrl } from './sender-policy';

const indexFile = join('/opt', 'FustGo Studio', 'out', 'renderer', 'index.html');
const own = pathToFileURL(indexFile).href;

describe('sender policy', () => {
  it('trusts only the packaged renderer page', () => {
    expect(isAppUrl(own, { indexFile })).toBe(true);
    expect(isAppUrl(`${own}#/jobs/1`, { indexFile })).toBe(true);
    expect(isAppUrl('file:///tmp/evil.html', { indexFile })).toBe(false);
    expect(isAppUrl('https://example.com/', { indexFile })).toBe(false);
    expect(isAppUrl(undefined, { indexFile })).toBe(false);
    expect(isAppUrl('not a url', { indexFile })).toBe(false);
  });

  it('trusts the dev server origin in development', () => {
    const origin = { indexFile, devServerUrl: 'http://localhost:5173/' };
    expect(isAppUrl('http://localhost:5173/jobs', origin)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', origin)).toBe(false);
    expect(isAppUrl(own, origin)).toBe(false);
  });
});
