import { scalarFromText } from '../config/substitute-env';
import { createConnectionService, type ConnectionService } from '../connections/connection-service';
import { headlessSecretBox } from '../connections/secret-box';
import { defaultRegistry } from '../default-registry';
import { openStore } from '../store/open-store';
import { ApiError } from '../../src-shared/api/errors';
import { cliDataDir } from './data-dir';

/*
 * `fustgo connections …`: the saved connections of the CLI's data dir ($FUSTGO_HOME or ~/.fustgo),
 * for servers without the studio. Passwords come from stdin or an environment variable, never
 * from the command line (it shows in `ps` and shell history).
 */

export interface AddOptions {
  type: string;
  set?: Record<string, string>;
  description?: string;
  passwordStdin?: boolean;
  passwordEnv?: string;
}

async function withService<T>(use: (service: ConnectionService) => Promise<T>): Promise<T> {
  const dataDir = cliDataDir();
  const store = await openStore({ dataDir });
  try {
    const service = createConnectionService({
      db: store.db,
      registry: defaultRegistry(),
      secrets: headlessSecretBox(dataDir),
      baseDir: dataDir,
    });
    return await use(service);
  } finally {
    await store.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function passwordOf(options: AddOptions): Promise<string | undefined> {
  if (options.passwordStdin) return readStdin();
  if (options.passwordEnv !== undefined) {
    const value = process.env[options.passwordEnv];
    if (value === undefined) throw new Error(`environment variable "${options.passwordEnv}" is not set`);
    return value;
  }
  return undefined;
}

async function byName(service: ConnectionService, name: string) {
  const found = (await service.api.listConnections({})).find((c) => c.name === name);
  if (!found) throw new ApiError('not_found', `no saved connection "${name}"`);
  return found;
}

/** `fustgo connections list`: name, type and the non-secret fields. */
export async function listConnectionsCommand(options: { json?: boolean }): Promise<number> {
  const list = await withService((s) => s.api.listConnections({}));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  if (list.length === 0)
    process.stdout.write('no saved connections (add one: fustgo connections add NAME --type …)\n');
  for (const c of list) {
    const fields = Object.entries(c.config).map(([k, v]) => `${k}=${String(v)}`);
    const secrets = c.secrets_set.map((k) => `${k}=********`);
    process.stdout.write(`${c.name}  ${c.type}  ${[...fields, ...secrets].join(' ')}\n`);
  }
  return 0;
}

/** `fustgo connections add NAME --type T --set host=… [--password-stdin | --password-env VAR]`. */
export async function addConnectionCommand(name: string, options: AddOptions): Promise<number> {
  const password = await passwordOf(options);
  const config: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(options.set ?? {})) config[key] = scalarFromText(text);
  if (password !== undefined) config.password = password;
  const saved = await withService(async (service) => {
    const existing = (await service.api.listConnections({})).find((c) => c.name === name);
    // Adding a name that exists changes only the fields given.
    return existing
      ? service.api.updateConnection({
          id: existing.id,
          config: { ...existing.config, ...config },
          ...(options.description ? { description: options.description } : {}),
        })
      : service.api.createConnection({
          name,
          type: options.type,
          config,
          description: options.description ?? '',
        });
  });
  process.stdout.write(
    `saved connection "${saved.name}" (${saved.type}); pipelines use it as connection: { ref: ${saved.name} }\n`,
  );
  return 0;
}

/** `fustgo connections test NAME`: connects and prints the server version, or why it failed (exit 1). */
export async function testConnectionCommand(name: string): Promise<number> {
  const result = await withService(async (service) =>
    service.api.testConnection({ id: (await byName(service, name)).id }),
  );
  process.stdout.write(
    `${name}: ${result.ok ? '' : 'failed: '}${result.message} (${result.duration_ms} ms)\n`,
  );
  return result.ok ? 0 : 1;
}

/** `fustgo connections remove NAME`: refused while jobs of the data dir refer to it. */
export async function removeConnectionCommand(name: string): Promise<number> {
  await withService(async (service) =>
    service.api.deleteConnection({ id: (await byName(service, name)).id }),
  );
  process.stdout.write(`removed connection "${name}"\n`);
  return 0;
}
