import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Notification, app, session } from 'electron';
import { IPC_EVENT_CHANNEL } from '../../src-shared/api/contract';
import { contentSecurityPolicy } from '../server/content-security-policy';
import { createServices } from '../services';
import { registerIpcHandlers } from './ipc';
import { desktopSecretBox } from './safe-storage-box';
import { isAppUrl, type RendererOrigin } from './sender-policy';
import { createUtilityLauncher } from './utility-launcher';

/*
 * The desktop entry: one window over the same services `fustgo serve` runs, with IPC as
 * the transport. Kept thin; everything testable lives outside this folder.
 */

const here = dirname(fileURLToPath(import.meta.url));
// electron-vite sets ELECTRON_RENDERER_URL only under `electron-vite dev`.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const renderer: RendererOrigin = { indexFile: join(here, '../renderer/index.html'), devServerUrl };
const csp = contentSecurityPolicy(
  devServerUrl
    ? { connect: [new URL(devServerUrl).origin.replace(/^http/, 'ws')], scripts: ["'unsafe-inline'"] }
    : {},
);

let mainWindow: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'FustGo Studio',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // Middle-click must not open links in new windows behind the window-open handler's back.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = null;
  });
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(renderer.indexFile);
  return window;
}

async function start(): Promise<void> {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  const dataDir = app.getPath('userData');
  const services = await createServices({
    dataDir,
    secretBox: desktopSecretBox(dataDir),
    examplesDir: app.isPackaged
      ? join(process.resourcesPath, 'examples')
      : join(app.getAppPath(), 'resources', 'examples'),
    launcher: createUtilityLauncher({
      workerPath: fileURLToPath(new URL('./run-worker.js', import.meta.url)),
    }),
  });
  registerIpcHandlers(services.api, (url) => isAppUrl(url, renderer), {
    error: (msg, data) => console.error(msg, data ?? ''),
  });
  services.onEvent((event) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(IPC_EVENT_CHANNEL, event);
  });
  // Alert rules with a desktop action: the operating system's own notification, seen even when
  // the window is hidden or minimised.
  services.onEvent((event) => {
    if (event.type === 'alert_fired' && Notification.isSupported()) {
      new Notification({ title: event.title, body: event.body }).show();
    }
  });

  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    // Let running runs be cancelled and the store closed before the process ends.
    event.preventDefault();
    void services.close().finally(() => {
      closed = true;
      app.quit();
    });
  });

  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, renderer)) event.preventDefault();
  });
  // The studio has no links out; every new window is refused.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('FustGo Studio failed to start', error);
      app.exit(1);
    });
}
