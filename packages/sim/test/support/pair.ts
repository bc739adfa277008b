import type { SimPhone, WaSim } from '../../src/index.js';
import { TestClient, type TestClientOptions } from './baileys-client.js';

/** Starts a Baileys client against the simulator and links it to `number` by scanning its QR. */
export async function pairClient(
  sim: WaSim,
  number: string,
  options: TestClientOptions = {},
): Promise<{ client: TestClient; phone: SimPhone }> {
  const client = new TestClient(sim.url, number, options).start();
  const phone = sim.phone(number);
  try {
    const opened = client.waitForOpen();
    await phone.scan(await client.waitForQr());
    await opened;
  } catch (error) {
    await client.stop();
    throw error;
  }
  return { client, phone };
}
