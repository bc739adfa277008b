import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './child.mjs';

const CHILD = fileURLToPath(new URL('./memory-child.mjs', import.meta.url));
const MB = 1024 * 1024;
const SIM_COUNTS = [1, 100, 1000];
const BAILEYS_COUNTS = [1, 10];

/**
 * Memory per instance: RSS and heap growth for 1, 100 and 1,000 connected SimDriver instances, each
 * count in a fresh child process with --expose-gc; then real Baileys instances paired with the
 * protocol simulator (run here, in the parent); then the time to restore the 1,000 from SQLite,
 * against restoring the same data from a MemoryStore.
 */
export async function benchMemory(report) {
  report.begin('memory per instance');
  const dir = await mkdtemp(join(tmpdir(), 'wabot-bench-memory-'));
  try {
    let largest;
    for (const count of SIM_COUNTS) {
      const result = await runChild(['sim', String(count), join(dir, `sim-${count}.db`)]);
      record(report, 'sim', result);
      largest = result;
    }
    report.set(
      'mb_per_instance',
      (largest.after.rss - largest.before.rss) / MB / largest.count,
      'MB',
      'MB per instance (RSS, 1000 SimDriver)',
    );
    report.set(
      'heap_mb_per_instance',
      (largest.after.heapUsed - largest.before.heapUsed) / MB / largest.count,
      'MB',
      'heap MB per instance (1000 SimDriver)',
    );

    await benchBaileys(report, dir);

    report.begin('restore');
    const file = join(dir, `sim-${SIM_COUNTS.at(-1)}.db`);
    const fromMemory = await runChild(['restore-memory', file]);
    const fromSqlite = await runChild(['restore', file]);
    if (fromSqlite.count !== 1000 || fromMemory.count !== 1000) {
      throw new Error(`restored ${fromSqlite.count} and ${fromMemory.count} instances, expected 1000`);
    }
    report.compare({
      key: 'restore_1000_s',
      value: fromSqlite.seconds,
      baselineKey: 'restore_1000_memory_store_s',
      baseline: fromMemory.seconds,
      ratioKey: 'restore/memory-store',
      unit: 's',
      label: 'restore 1000 instances from SQLite (start -> all connected)',
      baselineLabel: 'same data in a MemoryStore',
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchBaileys(report, dir) {
  let sim;
  try {
    const { startWaSim } = await import('@wabot/sim');
    sim = await startWaSim();
  } catch (error) {
    report.missing('mb_per_instance_baileys', `protocol simulator unavailable: ${messageOf(error)}`);
    return;
  }
  try {
    let largest;
    for (const count of BAILEYS_COUNTS) {
      const result = await runChild(['baileys', String(count), join(dir, `baileys-${count}.db`)], sim);
      record(report, 'baileys', result);
      largest = result;
    }
    report.set(
      'mb_per_instance_baileys',
      (largest.after.rss - largest.before.rss) / MB / largest.count,
      'MB',
      `MB per instance (RSS, ${largest.count} Baileys on the simulator)`,
    );
    report.set(
      'heap_mb_per_instance_baileys',
      (largest.after.heapUsed - largest.before.heapUsed) / MB / largest.count,
      'MB',
      `heap MB per instance (${largest.count} Baileys)`,
    );
  } catch (error) {
    report.missing('mb_per_instance_baileys', `Baileys run failed: ${messageOf(error)}`);
  } finally {
    await sim.close();
  }
}

function record(report, driver, { count, before, after, seconds }) {
  report.set(
    `rss_mb_${driver}_${count}`,
    (after.rss - before.rss) / MB,
    'MB',
    `${driver} x${count}: RSS growth`,
  );
  report.set(
    `heap_mb_${driver}_${count}`,
    (after.heapUsed - before.heapUsed) / MB,
    'MB',
    `${driver} x${count}: heap growth`,
  );
  report.set(`connect_s_${driver}_${count}`, seconds, 's', `${driver} x${count}: create + connect`);
}

/** Runs one memory child to its result; for Baileys, scans the QRs it reports with the simulator. */
async function runChild(args, sim) {
  const child = startChild(CHILD, { args, execArgv: ['--expose-gc'] });
  try {
    if (sim) {
      await child.next('need-sim', 30_000);
      child.send({
        type: 'sim',
        url: sim.url,
        rootPublicKey: Buffer.from(sim.rootPublicKey).toString('base64'),
      });
      let phones = 0;
      const scanned = new Set();
      child.child.on('message', (m) => {
        if (m?.type !== 'qr' || scanned.has(m.instanceId)) return;
        scanned.add(m.instanceId);
        const phone = sim.phone(`1555200${String(++phones).padStart(4, '0')}`);
        phone.scan(m.qr).catch(() => scanned.delete(m.instanceId));
      });
    }
    return await child.next('result', 180_000);
  } finally {
    await child.stop();
  }
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
