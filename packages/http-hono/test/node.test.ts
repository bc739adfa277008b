import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { expect, test } from 'vitest';
import { serveNode } from '../src/node.js';

test('serveNode binds 127.0.0.1 on a random port and close() lets requests in flight finish', async () => {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  let started: () => void = () => {};
  const inFlight = new Promise<void>((r) => {
    started = r;
  });
  const app = new Hono();
  app.get('/slow', async (c) => {
    started();
    await held;
    return c.text('done');
  });
  const server = await serveNode(app, { port: 0 });
  expect(server.hostname).toBe('127.0.0.1');
  expect(server.port).toBeGreaterThan(0);

  const response = fetch(`http://127.0.0.1:${server.port}/slow`);
  await inFlight;
  let closed = false;
  const closing = server.close().then(() => {
    closed = true;
  });
  // Closing waits for the request: it has not finished yet.
  await new Promise((r) => setImmediate(r));
  expect(closed).toBe(false);
  await expect(fetch(`http://127.0.0.1:${server.port}/slow`)).rejects.toThrow();
  release();
  const res = await response;
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('done');
  await closing;
  expect(closed).toBe(true);
}, 15_000);

test('createApp and everything it imports use no Node-only module (it must run on Workers)', () => {
  const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
  const seen = new Set<string>();
  const nodeOnly: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) {
      const [, typeOnly, spec] = match as unknown as [string, string | undefined, string];
      if (typeOnly) continue;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (/^node:|^@hono\/node-server|^pino$|^@wabot\/(store-keyv|driver-baileys|webhook)$/.test(spec)) {
        nodeOnly.push(`${file.slice(src.length)} imports ${spec}`);
      }
    }
  };
  visit(join(src, 'index.ts'));
  expect(seen.size).toBeGreaterThan(10);
  expect(nodeOnly).toEqual([]);
});
