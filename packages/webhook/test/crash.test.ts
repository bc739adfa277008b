import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStore } from '@wabot/store-keyv';
import { build } from 'esbuild';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS_NAMESPACE } from '../src/signer.js';
import { type Receiver, startReceiver } from './helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
let workDir: string;
let dataDir: string;
let worker: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // Bundled under the package's node_modules (ignored by git and the linter) so the worker resolves
  // the workspace's packages the way the tests do.
  const cacheDir = join(packageDir, 'node_modules', '.cache');
  await mkdir(cacheDir, { recursive: true });
  workDir = await mkdtemp(join(cacheDir, 'crash-'));
  dataDir = await mkdtemp(join(tmpdir(), 'wabot-webhook-crash-'));
  worker = join(workDir, 'worker.mjs');
  await build({
    entryPoints: [join(packageDir, 'test/fixtures/crash-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: worker,
    logLevel: 'silent',
  });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(workDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

function run(args: string[]): {
  child: ChildProcess;
  line: (prefix: string) => Promise<string>;
  exit: Promise<unknown>;
} {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  const waiters: Array<{ prefix: string; resolve: (l: string) => void }> = [];
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      const l = out.split('\n').find((x) => x.startsWith(w.prefix));
      if (l !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return {
    child,
    exit,
    line: (prefix) =>
      new Promise((resolve, reject) => {
        waiters.push({ prefix, resolve });
        void exit.then((how) =>
          reject(new Error(`worker exited (${String(how)}) before "${prefix}": ${err}`)),
        );
      }),
  };
}

describe('crash safety', () => {
  // stalled: the receiver stops answering after a third, so requests are in flight at the kill.
  // busy: the receiver keeps answering, so the kill lands while outbox rows are being deleted.
  it.each(['stalled', 'busy'] as const)(
    'delivers every event after the delivering process is SIGKILLed under load (%s receiver)',
    async (kind) => {
      const events = 600;
      const instances = 3;
      const file = join(dataDir, `outbox-${kind}.db`);
      let phase: 'load' | 'stalled' | 'resume' = 'load';
      let receiver: Receiver | undefined;
      try {
        receiver = await startReceiver((_r, i) => {
          if (kind === 'stalled' && phase === 'load' && i >= events / 3) phase = 'stalled';
          return phase === 'stalled' ? { hang: true } : { status: 200 };
        });
        const first = run(['load', file, receiver.url, String(events), String(instances)]);
        await first.line('ENQUEUED');
        await receiver.waitFor(kind === 'stalled' ? events / 3 + 1 : events / 2);
        first.child.kill('SIGKILL');
        expect(await first.exit).toBe('SIGKILL');
        const receivedAtKill = receiver.received.length;
        expect(receivedAtKill).toBeLessThan(events);
        phase = 'resume';
        const second = run(['resume', file, receiver.url, String(events), String(instances)]);
        const idle = await second.line('IDLE');
        expect(await second.exit).toBe(0);
        expect(JSON.parse(idle.slice('IDLE '.length))).toMatchObject({ deadLettered: 0, pending: 0 });

        const bySeq = new Map<number, Set<string>>();
        for (const r of receiver.received) {
          const seq = Number((r.json.data as { text: string }).text);
          if (!bySeq.has(seq)) bySeq.set(seq, new Set());
          bySeq.get(seq)!.add(r.id);
        }
        // 0 lost.
        expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: events }, (_, i) => i));
        // Duplicates share their webhook-id, and different events never do.
        for (const ids of bySeq.values()) expect(ids.size).toBe(1);
        expect(new Set(receiver.received.map((r) => r.id)).size).toBe(events);
        // Requests cut off by the kill were sent again.
        if (kind === 'stalled') expect(receiver.received.length).toBeGreaterThan(events);

        // Per instance, the events arrived in order (a redelivery repeats the previous one).
        for (let k = 0; k < instances; k++) {
          const seqs = receiver.received
            .filter((r) => r.json.instanceId === `i${k}`)
            .map((r) => Number((r.json.data as { text: string }).text));
          const distinct = seqs.filter((s, i) => i === 0 || s !== seqs[i - 1]);
          expect(distinct).toEqual([...distinct].sort((a, b) => a - b));
          expect(distinct).toHaveLength(events / instances);
        }

        // The secret survived the crash: every request, before and after, verifies with the stored one.
        const store = await createStore(`sqlite://${file}`);
        try {
          for (let k = 0; k < instances; k++) {
            const secret = await store.get<string>(SECRETS_NAMESPACE, `i${k}`);
            const hook = new Webhook(secret!);
            for (const r of receiver.received.filter((x) => x.json.instanceId === `i${k}`)) {
              expect(
                hook.verify(r.body, {
                  'webhook-id': r.id,
                  'webhook-timestamp': String(r.headers['webhook-timestamp']),
                  'webhook-signature': String(r.headers['webhook-signature']),
                }),
              ).toEqual(r.json);
            }
          }
        } finally {
          await store.close();
        }
      } finally {
        await receiver?.close();
      }
    },
    60_000,
  );
});
