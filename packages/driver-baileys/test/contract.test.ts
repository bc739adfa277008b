import { type DriverHarness, driverContract } from '@wabot/core/testing';
import { startWaSim, trustSimulator } from '@wabot/sim';
import { BaileysDriver } from '../src/driver.js';

const BOT = '15550000001';
const CONTACT = '15550000002';

/** Plays the phone side of the shared driver contract with the protocol simulator and real Baileys. */
async function simHarness(): Promise<DriverHarness> {
  const sim = await startWaSim();
  const trust = trustSimulator(sim);
  // The contact must exist before the bot writes to it, as on WhatsApp.
  sim.phone(CONTACT);
  const drivers: BaileysDriver[] = [];
  return {
    contact: CONTACT,
    driver() {
      const d = new BaileysDriver({
        waWebSocketUrl: sim.url,
        reconnect: { initialMs: 50, maxMs: 500 },
        socketConfig: {
          shouldSyncHistoryMessage: () => false,
          connectTimeoutMs: 10_000,
          defaultQueryTimeoutMs: 10_000,
        },
      });
      drivers.push(d);
      return d;
    },
    async scan(qr) {
      await sim.phone(BOT).scan(qr);
    },
    async inbound(from, text) {
      await sim.phone(from).sendText(`${BOT}@s.whatsapp.net`, text);
    },
    async received(contact) {
      return sim
        .phone(contact)
        .received()
        .map((m) => m.text ?? '');
    },
    async close() {
      for (const d of drivers) await d.close();
      await sim.close();
      trust.restore();
    },
  };
}

driverContract(simHarness, { name: 'BaileysDriver on the protocol simulator', timeout: 60_000 });
