import { randomHex, ValidationError } from '@wabot/core';

/** Everything `wabot serve` reads from its environment and arguments. */
export interface ServeConfig {
  port: number;
  hostname: string;
  /** API token → user id. */
  tokens: Map<string, string>;
  /** Set when no token was configured and one was generated: print it once. */
  generatedToken: string | undefined;
  dataDir: string;
  storeUrl: string;
  sim: boolean;
  /** Milliseconds after the QR is first fetched before the simulated phone scans it; false for never. */
  simAutoScan: number | false;
  logLevel: string;
  allowPrivateWebhooks: boolean;
  /** Browser origins allowed to call the API, or '*'. */
  corsOrigins: string[] | '*' | undefined;
}

/** The user that `WABOT_API_TOKEN` (or a generated token) belongs to. */
export const DEFAULT_USER = 'default';

const USAGE = `Usage: wabot serve [--sim] [--port <n>] [--host <address>]

Serves the WAABOT-compatible HTTP API.

Environment:
  PORT                 port to listen on (default 3000)
  HOST                 address to bind (default 127.0.0.1; 0.0.0.0 in a container)
  WABOT_API_TOKEN      bearer token of the "default" user (generated and printed once when unset)
  WABOT_API_TOKENS     several users: "<token>:<user_id>,<token>:<user_id>"
  WABOT_DATA_DIR       where data is kept (default ./.wabot)
  WABOT_STORE_URL      sqlite://<file> (default <data dir>/wabot.db), redis://..., postgres://..., memory://
  WABOT_DRIVER=sim     same as --sim: every instance runs on a simulated phone
  WABOT_SIM_AUTOSCAN   delay before the simulated phone scans a fetched QR (default 1s; "off" never)
  WABOT_WEBHOOK_ALLOW_PRIVATE=1  allow webhooks to private and loopback addresses
  WABOT_CORS_ORIGINS   browser origins allowed to call the API: "https://app.example.com,..." or *
  LOG_LEVEL            pino level (default info)`;

export { USAGE };

/** Parses "1s", "500ms", "0s", "2m" or a number of milliseconds; "off"/"false"/"never" mean never. */
export function parseDuration(text: string, field: string): number | false {
  const value = text.trim().toLowerCase();
  if (['off', 'false', 'never', 'no'].includes(value)) return false;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(value);
  if (!match) throw new ValidationError('must be a duration such as 1s, 500ms or off', field);
  const unit = match[2] ?? 'ms';
  const factor = unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1;
  return Math.round(Number(match[1]) * factor);
}

/** Parses `"<token>:<user_id>,<token>:<user_id>"`. Error messages never repeat a token. */
export function parseTokens(text: string, field = 'WABOT_API_TOKENS'): Map<string, string> {
  const tokens = new Map<string, string>();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, index) => {
    const colon = entry.lastIndexOf(':');
    const token = colon > 0 ? entry.slice(0, colon).trim() : '';
    const user = colon > 0 ? entry.slice(colon + 1).trim() : '';
    if (!token || !user) throw new ValidationError(`entry ${index + 1} must be "<token>:<user_id>"`, field);
    if (token.length < 16)
      throw new ValidationError(`entry ${index + 1}: the token must be at least 16 characters`, field);
    if (tokens.has(token)) throw new ValidationError(`entry ${index + 1}: the token is listed twice`, field);
    tokens.set(token, user);
  });
  return tokens;
}

/** Parses `WABOT_CORS_ORIGINS`: `*`, or a comma-separated list of origins such as `https://app.example.com`. */
export function parseOrigins(text: string, field = 'WABOT_CORS_ORIGINS'): string[] | '*' {
  if (text.trim() === '*') return '*';
  return text
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((origin) => {
      let url: URL | undefined;
      try {
        url = new URL(origin);
      } catch {}
      if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
        throw new ValidationError(`"${origin}" is not an origin such as https://app.example.com`, field);
      }
      return url.origin;
    });
}

/** Reads the server configuration; throws `ValidationError` on a bad value. */
export function readServeConfig(env: Record<string, string | undefined>, argv: string[]): ServeConfig {
  const args = [...argv];
  let sim = env.WABOT_DRIVER === 'sim';
  let portText = env.PORT;
  let hostname = env.HOST || '127.0.0.1';
  while (args.length > 0) {
    const arg = args.shift() as string;
    if (arg === '--sim') sim = true;
    else if (arg === '--port') portText = args.shift();
    else if (arg.startsWith('--port=')) portText = arg.slice('--port='.length);
    else if (arg === '--host') hostname = args.shift() ?? hostname;
    else if (arg.startsWith('--host=')) hostname = arg.slice('--host='.length);
    else throw new ValidationError(`unknown argument "${arg}"`, 'argv');
  }
  if (env.WABOT_DRIVER && !['sim', 'baileys'].includes(env.WABOT_DRIVER)) {
    throw new ValidationError('must be sim or baileys', 'WABOT_DRIVER');
  }

  const port = portText === undefined || portText === '' ? 3000 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ValidationError('must be a port number (0-65535)', 'PORT');
  }

  const tokens = env.WABOT_API_TOKENS ? parseTokens(env.WABOT_API_TOKENS) : new Map<string, string>();
  let generatedToken: string | undefined;
  if (env.WABOT_API_TOKEN) {
    if (env.WABOT_API_TOKEN.length < 16) {
      throw new ValidationError('must be at least 16 characters', 'WABOT_API_TOKEN');
    }
    tokens.set(env.WABOT_API_TOKEN, DEFAULT_USER);
  }
  if (tokens.size === 0) {
    generatedToken = randomHex(24);
    tokens.set(generatedToken, DEFAULT_USER);
  }

  const dataDir = env.WABOT_DATA_DIR || './.wabot';
  const storeUrl = env.WABOT_STORE_URL || `sqlite://${dataDir.replace(/\/+$/, '')}/wabot.db`;
  const simAutoScan = parseDuration(env.WABOT_SIM_AUTOSCAN ?? '1s', 'WABOT_SIM_AUTOSCAN');

  return {
    port,
    hostname,
    tokens,
    generatedToken,
    dataDir,
    storeUrl,
    sim,
    simAutoScan,
    logLevel: env.LOG_LEVEL || 'info',
    allowPrivateWebhooks:
      env.WABOT_WEBHOOK_ALLOW_PRIVATE === '1' || env.WABOT_WEBHOOK_ALLOW_PRIVATE === 'true',
    corsOrigins: env.WABOT_CORS_ORIGINS ? parseOrigins(env.WABOT_CORS_ORIGINS) : undefined,
  };
}
