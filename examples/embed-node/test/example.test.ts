import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('the README embedding example runs as written and replies through the intent', async () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const { stdout } = await run(process.execPath, ['index.mjs'], { cwd, timeout: 20_000 });
  expect(stdout).toContain('scan this QR with WhatsApp: 2@');
  expect(stdout).toMatch(/connection: CONNECTED 1555000\d{4}:1@s\.whatsapp\.net/);
  expect(stdout).toMatch(
    /Ada: "What is the price\?" → intent:[0-9a-f]{24} → "Hi Ada, it is \$5\." \(1 sent\)/,
  );
}, 30_000);
