import type { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { createServerIdentity } from './certificates.js';
import { ClientConnection } from './connection.js';
import { MediaServer } from './media-server.js';
import type { SimPhone } from './phone.js';
import { type PhoneOptions, type SimGroup, World } from './world.js';

/** Options for `startWaSim`. */
export interface WaSimOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Delay in ms before each iq answer (simulates a slow server). Can be changed later. */
  responseDelayMs?: number;
}

/** A running loopback WhatsApp Web server. */
export interface WaSim {
  /** WebSocket URL to give Baileys as `waWebSocketUrl`. */
  readonly url: string;
  /** Root key the client must trust; see `trustSimulator`. */
  readonly rootPublicKey: Uint8Array;
  /**
   * HTTPS agent that trusts the simulator's media server. Give it to Baileys as `fetchAgent`,
   * otherwise its media uploads fail certificate validation.
   */
  readonly mediaAgent: Agent;
  /** PEM certificate of the media server (for clients that build their own agent). */
  readonly mediaCertificate: string;
  /** The simulated user with this phone number (created on first use). */
  phone(number: string, options?: PhoneOptions): SimPhone;
  /** Creates a group; members are phone numbers or phones, the first one is the creator. */
  group(subject: string, members: readonly (string | SimPhone)[]): SimGroup;
  /** Number of open client sockets. */
  connectionCount(): number;
  /** Drops every client socket without a stream error, like a network failure. */
  dropConnections(): void;
  /** Ends every client stream with `<stream:error code=...>` (e.g. 503, 500, 515). */
  streamError(code: number): void;
  /** Sets the delay before each iq answer. */
  setResponseDelay(ms: number): void;
  /** Errors raised while handling clients (bad frames, failed decryption...). */
  errors(): readonly unknown[];
  /** Closes every socket and the server. */
  close(): Promise<void>;
}

/**
 * Starts a WhatsApp Web server on 127.0.0.1 that real WhatsApp Web clients (Baileys) can pair
 * with, log in to and exchange end-to-end encrypted messages through.
 *
 * @example
 * const sim = await startWaSim();
 * trustSimulator(sim); // tests/demo processes only
 * const sock = makeWASocket({ waWebSocketUrl: sim.url, auth, ... });
 * sock.ev.on('connection.update', ({ qr }) => qr && sim.phone('15550001111').scan(qr));
 */
export async function startWaSim(options: WaSimOptions = {}): Promise<WaSim> {
  const identity = createServerIdentity();
  const media = await MediaServer.start();
  const errors: unknown[] = [];
  const world = new World(media, (error) => errors.push(error));
  const connections = new Set<ClientConnection>();
  let responseDelay = options.responseDelayMs ?? 0;

  const wss = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (ws) => {
    const connection = new ClientConnection(ws, {
      world,
      staticKeyPair: identity.staticKeyPair,
      certChain: identity.certChain,
      responseDelayMs: () => responseDelay,
      reportError: (error) => errors.push(error),
    });
    connections.add(connection);
    ws.on('close', () => connections.delete(connection));
  });
  const { port } = wss.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}/ws/chat`,
    rootPublicKey: new Uint8Array(identity.rootKeyPair.public),
    mediaAgent: media.agent,
    mediaCertificate: media.certificate,
    phone: (number, phoneOptions) => world.phone(number, phoneOptions),
    group: (subject, members) =>
      world.createGroup(
        subject,
        members.map((m) => (typeof m === 'string' ? world.phone(m) : m)),
      ),
    connectionCount: () => connections.size,
    dropConnections: () => {
      for (const connection of connections) {
        connection.close();
      }
    },
    streamError: (code) => {
      for (const connection of connections) {
        connection.streamError(code);
      }
    },
    setResponseDelay: (ms) => {
      responseDelay = ms;
    },
    errors: () => [...errors],
    close: async () => {
      for (const client of wss.clients) {
        client.terminate();
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await media.close();
    },
  };
}
