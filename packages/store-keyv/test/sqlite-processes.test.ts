import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { bytesFor } from './fixtures/bytes.js';
import { runId } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
// The child runs the package's source, bundled next to the package so its imports resolve.
const bundleDir = join(here, `.bundle-${runId}`);
const writer = join(bundleDir, 'sqlite-writer.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'wabot-crash-'));
const children: ChildProcess[] = [];

beforeAll(async () => {
  mkdirSync(bundleDir, { recursive: true });
  await build({
    entryPoints: [join(here, 'fixtures', 'sqlite-writer.ts')],
    outfile: writer,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
}, 30_000);

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(bundleDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

function startWriter(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [writer, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

/** Resolves with every stdout line once `until` says so or the process ends. */
function readLines(child: ChildProcess, until: (lines: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let rest = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
      if (until(lines)) resolve(lines);
    });
    child.on('exit', () => resolve(lines));
    child.on('error', reject);
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('SQLite across processes', () => {
  it('everything acknowledged before a SIGKILL is there after reopening', async () => {
    const file = join(dataDir, 'crash.db');
    const child = startWriter([file, 'write']);
    const lines = await readLines(child, (l) => l.length >= 300);
    // Killed while it keeps writing: likely in the middle of a transaction.
    child.kill('SIGKILL');
    await exited(child);
    expect(child.signalCode).toBe('SIGKILL');
    const acked = lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4)));
    expect(acked.length).toBeGreaterThanOrEqual(300);
    const last = Math.max(...acked);

    const store = await createStore(`sqlite://${file}`);
    try {
      const records = await store.list<{ i: number; bytes: Uint8Array; note: string }>('records');
      const byKey = new Map(records.map((r) => [r.key, r.value]));
      for (let i = 0; i <= last; i++) {
        const record = byKey.get(`r${i}`);
        expect(record?.i, `record ${i}`).toBe(i);
        expect(Array.from(record?.bytes ?? []), `record ${i}`).toEqual(Array.from(bytesFor(i)));
      }
      const keys = await store.list<{ private: Uint8Array }>('auth', 'inst1:');
      expect(keys.length).toBeGreaterThanOrEqual(last + 1);
      expect(
        Array.from(
          (await store.get<{ private: Uint8Array }>('auth', `inst1:pre-key-${last}`))?.private ?? [],
        ),
      ).toEqual(Array.from(bytesFor(last + 1)));
      // Each record and its key were one batch: after the kill both exist or neither does.
      expect(keys.map((k) => k.key.replace('inst1:pre-key-', 'r')).sort()).toEqual(
        records.map((r) => r.key).sort(),
      );
      // The batch and the counter are separate transactions: the counter may trail by the one write
      // in flight, never by more, and never run ahead of the records.
      const written = (await store.get<number>('counters', 'written')) ?? 0;
      expect(written).toBeGreaterThanOrEqual(last + 1);
      expect(written).toBeLessThanOrEqual(records.length);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('two processes updating one record never lose a write', async () => {
    const file = join(dataDir, 'two-processes.db');
    const perProcess = 150;
    const both = [
      startWriter([file, 'increment', String(perProcess)]),
      startWriter([file, 'increment', String(perProcess)]),
    ];
    const outputs = await Promise.all(both.map((child) => readLines(child, (l) => l.includes('done'))));
    await Promise.all(both.map(exited));
    expect(outputs.every((lines) => lines.includes('done'))).toBe(true);
    expect(both.map((c) => c.exitCode)).toEqual([0, 0]);
    const store = await createStore(`sqlite://${file}`);
    expect(await store.get('counters', 'shared')).toEqual({ n: perProcess * 2 });
    await store.close();
  }, 60_000);
});
