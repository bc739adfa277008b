import { mkdir } from 'node:fs/promises';
import { BotManager, type DriverFactory, qrToTerminal, type Store } from '@wabot/core';
import { SimHub } from '@wabot/core/sim';
import { createStore, redactUrl } from '@wabot/store-keyv';
import { createWebhooks, validateWebhookUrl } from '@wabot/webhook';
import type { Logger as PinoLogger } from 'pino';
import { createApp } from './app.js';
import { type NodeServer, serveNode } from './node.js';
import type { ServeConfig } from './serve-config.js';
import { simControl } from './sim-control.js';

export interface RunningServer {
  port: number;
  /** Finishes requests in flight, stops webhook delivery, closes every instance and the store. */
  close(): Promise<void>;
}

/**
 * Starts everything `wabot serve` runs: the store, the bot manager with its driver (Baileys, or
 * simulated phones), webhook delivery and the HTTP server.
 */
export async function startServer(
  config: ServeConfig,
  logger: PinoLogger,
  version: string,
): Promise<RunningServer> {
  await mkdir(config.dataDir, { recursive: true });
  const store: Store = await createStore(config.storeUrl);
  logger.info({ store: redactUrl(config.storeUrl) }, 'store opened');

  const hub = config.sim
    ? new SimHub({
        autoScan: config.simAutoScan === false ? false : { after: config.simAutoScan, on: 'shown' },
      })
    : undefined;
  // Baileys is only loaded when it is used: demo mode starts faster without it.
  const driver: DriverFactory = hub ? hub.driver : await loadBaileys(logger);
  const checkUrl = async (url: string) => {
    await validateWebhookUrl(url, { allowPrivate: config.allowPrivateWebhooks });
  };
  const manager = new BotManager({ driver, store, logger, validateWebhookUrl: checkUrl });
  const webhooks = createWebhooks(manager, {
    store,
    allowPrivate: config.allowPrivateWebhooks,
    logger: logger.child({ module: 'webhook' }),
  });
  // Deleting an instance now also drops its pending webhook events and signing secret.
  manager.useWebhooks(webhooks);

  manager.on('qr', ({ instanceId, qr }) => {
    qrToTerminal(qr).then(
      (drawing) =>
        process.stdout.write(
          `\nInstance ${instanceId} waits for a scan (WhatsApp > Linked devices):\n${drawing}\n`,
        ),
      (err: unknown) => logger.warn({ instanceId, err: String(err) }, 'could not draw the QR'),
    );
  });
  manager.on('connection', ({ instanceId, status, user }) => {
    logger.info({ instanceId, status, phone: user?.id }, 'connection');
  });

  await webhooks.start();
  await manager.start();

  const app = createApp(manager, {
    tokens: config.tokens,
    logger: logger.child({ module: 'http' }),
    version,
    ...(config.corsOrigins ? { corsOrigins: config.corsOrigins } : {}),
    webhooks: { ...bind(webhooks), validateUrl: checkUrl },
    ...(hub ? { sim: simControl(hub) } : {}),
  });

  let server: NodeServer;
  try {
    server = await serveNode(app, { port: config.port, hostname: config.hostname });
  } catch (error) {
    await manager.close();
    await webhooks.stop();
    await store.close();
    throw error;
  }
  logger.info(
    { url: `http://${config.hostname}:${server.port}`, driver: hub ? 'sim' : 'baileys', docs: '/docs' },
    'wabot API listening',
  );

  let closing: Promise<void> | undefined;
  return {
    port: server.port,
    close() {
      closing ??= (async () => {
        await server.close();
        await webhooks.stop();
        await manager.close();
        await store.close();
      })();
      return closing;
    },
  };
}

function bind(webhooks: ReturnType<typeof createWebhooks>) {
  return {
    describe: (id: string) => webhooks.describe(id),
    listDeadLetters: (id: string, range: { from?: number; to?: number }) =>
      webhooks.listDeadLetters(id, range),
    replayDeadLetters: (id: string, select: { from?: number; to?: number; ids?: string[] }) =>
      webhooks.replayDeadLetters(id, select),
  };
}

/** The real driver, loaded only without --sim; libsignal's session dumps are kept out of the output. */
async function loadBaileys(logger: PinoLogger) {
  const { baileysDriver, quietLibsignalConsole } = await import('@wabot/driver-baileys');
  quietLibsignalConsole(logger.child({ module: 'libsignal' }));
  return baileysDriver({ logger: logger.child({ module: 'baileys' }) });
}
