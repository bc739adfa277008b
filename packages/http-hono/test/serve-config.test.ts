import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_USER,
  parseDuration,
  parseOrigins,
  parseTokens,
  readServeConfig,
} from '../src/serve-config.js';

describe('readServeConfig', () => {
  test('defaults: port 3000, sqlite in ./.wabot, a generated token for the default user, Baileys', () => {
    const config = readServeConfig({}, []);
    expect(config).toMatchObject({
      port: 3000,
      hostname: '127.0.0.1',
      dataDir: './.wabot',
      storeUrl: 'sqlite://./.wabot/wabot.db',
      sim: false,
      simAutoScan: 1000,
      logLevel: 'info',
    });
    expect(config.generatedToken).toMatch(/^[0-9a-f]{48}$/);
    expect([...config.tokens]).toEqual([[config.generatedToken, DEFAULT_USER]]);
    // A new token each time it is generated.
    expect(readServeConfig({}, []).generatedToken).not.toBe(config.generatedToken);
  });

  test('environment and arguments', () => {
    const config = readServeConfig(
      {
        PORT: '8080',
        WABOT_API_TOKEN: 'single-token-0123456789',
        WABOT_API_TOKENS: 'alice-token-0123456789:alice, bob-token-0123456789abc:bob',
        WABOT_DATA_DIR: '/var/lib/wabot/',
        WABOT_DRIVER: 'sim',
        WABOT_SIM_AUTOSCAN: '0s',
      },
      ['--port', '9090', '--host=0.0.0.0'],
    );
    expect(config).toMatchObject({
      port: 9090,
      hostname: '0.0.0.0',
      storeUrl: 'sqlite:///var/lib/wabot/wabot.db',
      sim: true,
      simAutoScan: 0,
      generatedToken: undefined,
    });
    expect(Object.fromEntries(config.tokens)).toEqual({
      'single-token-0123456789': DEFAULT_USER,
      'alice-token-0123456789': 'alice',
      'bob-token-0123456789abc': 'bob',
    });
    expect(readServeConfig({ WABOT_STORE_URL: 'memory://' }, ['--sim']).storeUrl).toBe('memory://');
    expect(readServeConfig({}, ['--sim']).sim).toBe(true);
  });

  test('bad values are refused with the variable named and no token repeated', () => {
    expect(() => readServeConfig({ PORT: 'eighty' }, [])).toThrow('PORT: must be a port number');
    expect(() => readServeConfig({}, ['--verbose'])).toThrow('argv: unknown argument "--verbose"');
    expect(() => readServeConfig({ WABOT_DRIVER: 'real' }, [])).toThrow(
      'WABOT_DRIVER: must be sim or baileys',
    );
    expect(() => readServeConfig({ WABOT_API_TOKEN: 'short' }, [])).toThrow(
      'WABOT_API_TOKEN: must be at least 16',
    );
    const secret = 'a-secret-token-that-is-long';
    for (const value of [secret, `${secret}:`, `x:${secret}`, `${secret}:u,${secret}:v`]) {
      let message = '';
      try {
        readServeConfig({ WABOT_API_TOKENS: value }, []);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^WABOT_API_TOKENS: entry \d/);
      expect(message).not.toContain(secret);
    }
  });
});

describe('parseDuration', () => {
  test('units and off', () => {
    expect(parseDuration('1s', 'd')).toBe(1000);
    expect(parseDuration('0s', 'd')).toBe(0);
    expect(parseDuration('250ms', 'd')).toBe(250);
    expect(parseDuration('1.5s', 'd')).toBe(1500);
    expect(parseDuration('2m', 'd')).toBe(120_000);
    expect(parseDuration('40', 'd')).toBe(40);
    expect(parseDuration('off', 'd')).toBe(false);
    expect(() => parseDuration('soon', 'WABOT_SIM_AUTOSCAN')).toThrow(
      'WABOT_SIM_AUTOSCAN: must be a duration',
    );
  });

  test('any "<n>s" parses to n * 1000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (n) => parseDuration(`${n}s`, 'd') === n * 1000),
    );
  });
});

describe('parseTokens', () => {
  test('round-trips any list of distinct token:user pairs', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/);
    const user = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(token, user), { selector: ([t]) => t, minLength: 1, maxLength: 5 }),
        (pairs) => {
          const parsed = parseTokens(pairs.map(([t, u]) => `${t}:${u}`).join(','));
          expect([...parsed]).toEqual(pairs);
        },
      ),
    );
  });
});

describe('parseOrigins', () => {
  test('a star, or a list of origins', () => {
    expect(parseOrigins('*')).toBe('*');
    expect(parseOrigins('https://app.example.com, http://localhost:5173/')).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
    expect(readServeConfig({ WABOT_CORS_ORIGINS: 'https://a.example' }, []).corsOrigins).toEqual([
      'https://a.example',
    ]);
    expect(readServeConfig({}, []).corsOrigins).toBeUndefined();
  });

  test('paths, other schemes and junk are refused', () => {
    for (const bad of ['https://a.example/app', 'ftp://a.example', 'a.example', 'https://a.example,nope']) {
      expect(() => parseOrigins(bad)).toThrow(/^WABOT_CORS_ORIGINS: "/);
    }
  });
});
