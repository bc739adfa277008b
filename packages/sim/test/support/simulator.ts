import { afterEach, beforeEach } from 'vitest';
import { startWaSim, trustSimulator, type WaSim } from '../../src/index.js';
import type { TestClient } from './baileys-client.js';

/**
 * Registers hooks that start a simulator (trusted by Baileys) before each test, and stop it and
 * every client the test added to `clients` after it.
 */
export function simulatorPerTest(): { readonly sim: WaSim; readonly clients: TestClient[] } {
  let current: WaSim | undefined;
  let trust: { restore(): void } | undefined;
  const clients: TestClient[] = [];
  beforeEach(async () => {
    current = await startWaSim();
    trust = trustSimulator(current);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.stop();
    await current?.close();
    trust?.restore();
  });
  return {
    get sim(): WaSim {
      if (!current) throw new Error('the simulator starts in beforeEach');
      return current;
    },
    clients,
  };
}
