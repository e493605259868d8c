import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { bundlePaths } from './bundle-paths';
import type { AddOptions } from './connections-command';

/*
 * The `fustgo` command. Start-up stays fast: each command imports its heavy modules
 * (engine, connectors, fastify, SQLite) only when it runs.
 */

const paths = bundlePaths(import.meta.url);

// `fustgo … | head`: a reader that closed the pipe wants no more output, not a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const version = (JSON.parse(readFileSync(paths.packageJson, 'utf8')) as { version: string }).version;

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('expected a port 0-65535');
  return port;
}

function setOption(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected key=value');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

const program = new Command()
  .name('fustgo')
  .description('FustGo Studio: move data between systems with declarative pipelines')
  .version(version, '-V, --version');

program
  .command('validate')
  .description('check pipeline files; prints FILE:LINE:COL: path: message for each problem')
  .argument('<files...>', 'pipeline YAML files')
  .action(async (files: string[]) => {
    const { validateCommand } = await import('./validate-command');
    process.exitCode = await validateCommand(files);
  });

program
  .command('inspect')
  .description("list the tables of a pipeline's input (or output) database, or describe one table")
  .argument('<file>', 'pipeline YAML file')
  .addOption(
    new Option('--side <side>', 'whose database: the input or the output')
      .choices(['input', 'output'])
      .default('input'),
  )
  .option('--table <name>', 'describe this table (schema.table where the database has schemas)')
  .option('--json', 'machine-readable output')
  .action(async (file: string, options: { side: 'input' | 'output'; table?: string; json?: boolean }) => {
    const { inspectCommand } = await import('./inspect-command');
    process.exitCode = await inspectCommand(file, options);
  });

program
  .command('run')
  .description('run a pipeline (exit 0 completed, 1 failed, 2 invalid config, 130 interrupted)')
  .argument('<file>', 'pipeline YAML file')
  .option('--set <key=value>', 'override a config value (repeatable)', setOption)
  .option('-v, --verbose', 'show info and debug logs')
  .option('--full', 'ignore the stored incremental watermark and read every row')
  .option('--explain', 'print the plan (reads, pushed-down filter, processors, writes) instead of running')
  .action(
    async (
      file: string,
      options: { set?: Record<string, string>; verbose?: boolean; full?: boolean; explain?: boolean },
    ) => {
      const { runCommand } = await import('./run-command');
      process.exitCode = await runCommand(file, options);
    },
  );

program
  .command('verify')
  .description(
    'compare a copied table with its source, range by range (exit 0 all match, 1 mismatches, 2 invalid config, 3 error)',
  )
  .argument('<file>', 'pipeline YAML file')
  .option('--ranges <n>', 'ranges to cut the table into (default 16)', (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new InvalidArgumentError('expected a whole number 1-10000');
    return n;
  })
  .option('--repair', 'copy mismatched ranges again with upsert, then compare them again')
  .option('--json', 'machine-readable output')
  .option('--set <key=value>', 'override a config value (repeatable)', setOption)
  .option('-v, --verbose', 'show info and debug logs')
  .action(
    async (
      file: string,
      options: {
        ranges?: number;
        repair?: boolean;
        json?: boolean;
        set?: Record<string, string>;
        verbose?: boolean;
      },
    ) => {
      const { verifyCommand } = await import('./verify-command');
      process.exitCode = await verifyCommand(file, options);
    },
  );

program
  .command('diff')
  .description(
    'compare the columns a pipeline writes with its target table, and generate the DDL that fits it (exit 0 ok, 1 the run would fail, 2 invalid config, 3 error)',
  )
  .argument('<file>', 'pipeline YAML file')
  .option('--json', 'machine-readable output')
  .option('--ddl', 'print the DDL that creates or fits the target, as a script')
  .option(
    '--apply',
    'run that DDL on the target (one transaction where the database allows), then compare again',
  )
  .option('--set <key=value>', 'override a config value (repeatable)', setOption)
  .action(
    async (
      file: string,
      options: { json?: boolean; ddl?: boolean; apply?: boolean; set?: Record<string, string> },
    ) => {
      const { diffCommand } = await import('./diff-command');
      process.exitCode = await diffCommand(file, options);
    },
  );

program
  .command('serve')
  .description('serve the studio and its HTTP + WebSocket API')
  .option('--port <n>', 'port to listen on', portNumber, 8080)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--data <dir>', 'data directory (default: $FUSTGO_HOME or ~/.fustgo)')
  .action(async (options: { port: number; host: string; data?: string }) => {
    const { serveCommand } = await import('./serve-command');
    await serveCommand(options, paths, version);
  });

const connections = program
  .command('connections')
  .description(
    'saved connections of the data dir ($FUSTGO_HOME or ~/.fustgo): pipelines use them as connection: { ref: NAME }',
  );

connections
  .command('list')
  .description('list saved connections (never their passwords)')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const { listConnectionsCommand } = await import('./connections-command');
    process.exitCode = await listConnectionsCommand(options);
  });

connections
  .command('add')
  .description('save a connection (or change the one of that name); the password is encrypted at rest')
  .argument('<name>', 'the name pipelines refer to')
  .requiredOption('--type <connector>', 'postgresql, mysql or sqlite')
  .option(
    '--set <key=value>',
    'a connection field: host, port, database, username, ssl, path… (repeatable)',
    setOption,
  )
  .option('--description <text>', 'what the connection is for')
  .option('--password-stdin', 'read the password from standard input')
  .option('--password-env <VAR>', 'take the password from this environment variable')
  .action(async (name: string, options: AddOptions) => {
    const { addConnectionCommand } = await import('./connections-command');
    process.exitCode = await addConnectionCommand(name, options);
  });

connections
  .command('test')
  .description('connect and print the server version, or why it failed')
  .argument('<name>')
  .action(async (name: string) => {
    const { testConnectionCommand } = await import('./connections-command');
    process.exitCode = await testConnectionCommand(name);
  });

connections
  .command('remove')
  .description('delete a saved connection (refused while jobs use it)')
  .argument('<name>')
  .action(async (name: string) => {
    const { removeConnectionCommand } = await import('./connections-command');
    process.exitCode = await removeConnectionCommand(name);
  });

program
  .command('plugins')
  .description('list the components: inputs, processors and outputs')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const { pluginsCommand } = await import('./plugins-command');
    process.exitCode = pluginsCommand(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Expected failures (a port in use, an unreadable data dir) get one line, not a stack trace.
  process.stderr.write(`fustgo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
