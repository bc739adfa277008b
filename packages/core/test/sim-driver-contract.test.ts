import { driverContract, SimHub } from '../src/testing/index.js';

driverContract(
  async () => {
    const hub = new SimHub({ qrRefresh: 0 });
    const contact = '15550002222';
    let last: ReturnType<SimHub['phone']> | null = null;
    return {
      contact,
      driver: () => {
        last = hub.driver({
          instanceId: 'contract',
          sessionId: 's',
          logger: { debug() {}, info() {}, warn() {}, error() {} },
        }) as ReturnType<SimHub['phone']>;
        return last;
      },
      scan: async (qr) => last?.scan(qr),
      inbound: async (from, text) => {
        last?.receive({ from, text });
      },
      received: async (who) =>
        (last?.sent ?? [])
          .filter((s) => s.chatId === `${who}@s.whatsapp.net` && s.content.type === 'text')
          .map((s) => (s.content as { text: string }).text),
      close: async () => {},
    };
  },
  { name: 'SimDriver', timeout: 5000 },
);
