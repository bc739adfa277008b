/**
 * Runs delivery work per instance: one instance's events go one at a time in key order (keys sort by
 * event id, so that is the order they happened), different instances run in parallel up to a bound.
 * Only keys are held in memory; the entries themselves stay in the store.
 */

/** Does one step for a key. Resolves null when the key is finished, or the time (ms) it is next due. */
export type Work = (key: string) => Promise<number | null>;

const MAX_TIMER_MS = 2 ** 31 - 1;

interface Lane {
  keys: string[];
  running: Promise<void> | null;
  timer: ReturnType<typeof setTimeout> | null;
}

export interface DispatcherOptions {
  concurrency: number;
  now: () => number;
  /** Called when `work` throws (e.g. the store is down); the key is tried again after `errorDelayMs`. */
  onError: (err: unknown, key: string) => void;
  errorDelayMs?: number;
}

export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  private readonly waiters: Array<() => void> = [];
  private readonly slots: Semaphore;
  private stopped = false;

  constructor(
    private readonly work: Work,
    private readonly options: DispatcherOptions,
  ) {
    this.slots = new Semaphore(options.concurrency);
  }

  /** Queues a key of an instance (idempotent) and starts that instance's lane if it is idle. */
  add(instanceId: string, key: string): void {
    if (this.stopped) return;
    let lane = this.lanes.get(instanceId);
    if (!lane) {
      lane = { keys: [], running: null, timer: null };
      this.lanes.set(instanceId, lane);
    }
    const at = lowerBound(lane.keys, key);
    if (lane.keys[at] === key) return;
    lane.keys.splice(at, 0, key);
    // A lane waiting on a retry of its head only needs waking when the new key goes before it.
    if (lane.timer && at !== 0) return;
    this.kick(instanceId, lane);
  }

  /** Number of keys not finished yet. */
  get pending(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.keys.length;
    return n;
  }

  /** Resolves once every queued key is finished. */
  idle(): Promise<void> {
    if (this.lanes.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops taking work, cancels waits and resolves when running attempts have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running: Array<Promise<void>> = [];
    for (const lane of this.lanes.values()) {
      if (lane.timer) clearTimeout(lane.timer);
      lane.timer = null;
      if (lane.running) running.push(lane.running);
    }
    await Promise.all(running);
    this.lanes.clear();
    this.notifyIdle();
  }

  private kick(instanceId: string, lane: Lane): void {
    if (lane.running || this.stopped) return;
    if (lane.timer) {
      clearTimeout(lane.timer);
      lane.timer = null;
    }
    lane.running = this.run(instanceId, lane);
  }

  private async run(instanceId: string, lane: Lane): Promise<void> {
    while (!this.stopped && lane.keys.length > 0) {
      const key = lane.keys[0]!;
      let next: number | null;
      await this.slots.acquire();
      try {
        next = await this.work(key);
      } catch (err) {
        this.options.onError(err, key);
        next = this.options.now() + (this.options.errorDelayMs ?? 1000);
      } finally {
        this.slots.release();
      }
      if (next === null) {
        const at = lowerBound(lane.keys, key);
        if (lane.keys[at] === key) lane.keys.splice(at, 1);
        continue;
      }
      const wait = next - this.options.now();
      if (wait > 0) {
        // Longer timers overflow and fire at once; waking early just re-checks and waits again.
        lane.timer = setTimeout(
          () => {
            lane.timer = null;
            this.kick(instanceId, lane);
          },
          Math.min(wait, MAX_TIMER_MS),
        );
        lane.timer.unref?.();
        break;
      }
    }
    lane.running = null;
    if (lane.keys.length === 0 && this.lanes.get(instanceId) === lane) {
      this.lanes.delete(instanceId);
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    if (this.lanes.size > 0) return;
    for (const w of this.waiters.splice(0)) w();
  }
}

function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}
