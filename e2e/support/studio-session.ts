import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, launchChromium } from './browser';
import { startStudioServer, type StudioServer } from './studio-server';
import { StudioPage } from './studio-page';

/** A studio under test: `fustgo serve` on its own data dir, and a Chromium page on it. */
export interface StudioSession {
  dataDir: string;
  server: StudioServer;
  browser: Browser;
  page: Page;
  studio: StudioPage;
  /** Uncaught errors and console errors of the page. */
  pageErrors: string[];
  /** Every API response body and WebSocket frame the page received, for "never shown" checks. */
  received: string[];
  /** Closes the browser, stops the server and removes the data dir. */
  close(): Promise<void>;
}

/**
 * Starts the server (data dir `fustgo-<name>-…` in the temp folder) and Chromium together, and
 * opens an English 1440×900 page that may use the clipboard (pasting YAML into the editor).
 */
export async function openStudioSession(name: string): Promise<StudioSession> {
  const dataDir = mkdtempSync(join(tmpdir(), `fustgo-${name}-`));
  const [server, browser] = await Promise.all([startStudioServer(dataDir), launchChromium()]);
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1440, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const pageErrors = collectPageErrors(page);
  const received: string[] = [];
  page.on('response', (response) => {
    if (!response.url().includes('/api/')) return;
    response.text().then(
      (text) => received.push(text),
      () => undefined, // a body that went away with a navigation
    );
  });
  page.on('websocket', (ws) => ws.on('framereceived', (frame) => received.push(String(frame.payload))));
  return {
    dataDir,
    server,
    browser,
    page,
    studio: new StudioPage(page, server.url),
    pageErrors,
    received,
    async close() {
      await browser.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
