#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { readServeConfig, USAGE } from './serve-config.js';
import type { RunningServer } from './server.js';

// Secrets that may show up in logged objects; pino replaces them before anything is written.
const REDACT = [
  'access_token',
  '*.access_token',
  '*.*.access_token',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'settings.access_token',
  '*.settings.access_token',
];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (command !== 'serve') {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
    return 1;
  }

  let config: ReturnType<typeof readServeConfig>;
  try {
    config = readServeConfig(process.env, rest);
  } catch (error) {
    process.stderr.write(`wabot serve: ${(error as Error).message}\n`);
    return 1;
  }
  const logger = pino({ level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } });

  if (config.generatedToken) {
    // Printed once, outside the structured log, so it never lands in log storage.
    process.stdout.write(
      `\nNo WABOT_API_TOKEN set; generated one for this run (user "default"):\n\n  ${config.generatedToken}\n\n` +
        'Send it as "Authorization: Bearer <token>". Set WABOT_API_TOKEN to keep it across restarts.\n\n',
    );
  }

  let server: RunningServer;
  try {
    // Loaded here so --help and config errors answer without loading the drivers and stores.
    const { startServer } = await import('./server.js');
    server = await startServer(config, logger, version());
  } catch (error) {
    logger.fatal(
      { err: { name: (error as Error).name, message: (error as Error).message } },
      'could not start',
    );
    return 1;
  }
  const url = `http://${config.hostname}:${server.port}`;
  process.stdout.write(
    `\nwabot API on ${url} (docs: ${url}/docs)${config.sim ? ', simulated phones' : ''}\n\n`,
  );

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal, exiting now');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      server.close().then(resolve, (error: unknown) => {
        logger.error({ err: String(error) }, 'shutdown failed');
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  logger.info('stopped');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`wabot: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
