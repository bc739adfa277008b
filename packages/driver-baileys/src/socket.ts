import type { Agent } from 'node:https';
import {
  type AuthenticationState,
  Browsers,
  makeWASocket,
  type SocketConfig,
  type UserFacingSocketConfig,
  type WABrowserDescription,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { ILogger } from './logger.js';

/** The part of a Baileys socket the driver uses; a fake implementing it drives the unit tests. */
export type BaileysSocket = Pick<
  WASocket,
  | 'ev'
  | 'user'
  | 'sendMessage'
  | 'relayMessage'
  | 'requestPairingCode'
  | 'logout'
  | 'end'
  | 'readMessages'
  | 'updateMediaMessage'
  | 'waUploadToServer'
>;

/** Makes a socket from a Baileys config. The default is Baileys' own `makeWASocket`. */
export type SocketFactory = (config: UserFacingSocketConfig) => BaileysSocket;

export const defaultSocketFactory: SocketFactory = (config) => makeWASocket(config);

/** Connection options a user sets; everything else stays at Baileys' defaults unless `socketConfig` says otherwise. */
export interface SocketOptions {
  /** Shown on the phone under linked devices: a name (`'My Bot'`) or Baileys' `[os, browser, version]`. */
  browser?: string | WABrowserDescription;
  /** Show the account as online whenever the bot connects. Default false, so the phone still gets notifications. */
  markOnlineOnConnect?: boolean;
  /** Ask the phone for the full history. Default false. */
  syncFullHistory?: boolean;
  /** WhatsApp Web endpoint; the protocol simulator passes its loopback URL here. */
  waWebSocketUrl?: string | URL;
  /** Agent for the WebSocket, e.g. a per-instance proxy agent. */
  agent?: Agent;
  /** Agent for media upload and download requests. */
  fetchAgent?: Agent;
  /** Any other Baileys socket option (connectTimeoutMs, qrTimeout, defaultQueryTimeoutMs, ...). */
  socketConfig?: Partial<SocketConfig>;
}

/** Builds the Baileys config for one socket. */
export function buildSocketConfig(
  options: SocketOptions,
  auth: AuthenticationState,
  logger: ILogger,
): UserFacingSocketConfig {
  const config: UserFacingSocketConfig = {
    auth,
    logger,
    markOnlineOnConnect: options.markOnlineOnConnect ?? false,
    syncFullHistory: options.syncFullHistory ?? false,
    generateHighQualityLinkPreview: false,
  };
  if (options.browser !== undefined) {
    config.browser =
      typeof options.browser === 'string' ? Browsers.appropriate(options.browser) : options.browser;
  }
  // Only set what was given: an explicit undefined would replace Baileys' default.
  if (options.waWebSocketUrl !== undefined) config.waWebSocketUrl = options.waWebSocketUrl;
  if (options.agent !== undefined) config.agent = options.agent;
  if (options.fetchAgent !== undefined) config.fetchAgent = options.fetchAgent;
  return { ...config, ...options.socketConfig, auth, logger };
}
