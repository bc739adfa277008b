import { DriverError } from '@wabot/core';

export interface SendGateOptions {
  /** How many sends may wait for the connection at once. Default 100. */
  maxWaiting?: number;
  /** How long one send waits for the connection, in ms. Default 30000. */
  waitTimeoutMs?: number;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Holds sends while the connection is down and lets each through once when it opens.
 * A send that waits too long, or finds the line full, fails with a transient `DriverError` and is
 * forgotten, so it can never go out later behind the caller's back (the caller's retry is the only copy).
 */
export class SendGate {
  private open = false;
  private readonly waiting: Waiter[] = [];
  private readonly maxWaiting: number;
  private readonly waitTimeoutMs: number;

  constructor(options: SendGateOptions = {}) {
    this.maxWaiting = options.maxWaiting ?? 100;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Sends currently waiting. */
  get size(): number {
    return this.waiting.length;
  }

  /** Resolves when a send may go out: at once when open, otherwise when the connection opens. */
  async whenOpen(): Promise<void> {
    if (this.open) return;
    if (this.waiting.length >= this.maxWaiting) {
      throw new DriverError(`not connected and ${this.maxWaiting} sends are already waiting`, {
        transient: true,
      });
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(waiter);
          reject(new DriverError(`not connected within ${this.waitTimeoutMs} ms`, { transient: true }));
        }, this.waitTimeoutMs),
      };
      this.waiting.push(waiter);
    });
  }

  /** The connection opened: release every waiting send, in order. */
  setOpen(): void {
    this.open = true;
    for (const w of this.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  /** The connection dropped: later sends wait. */
  setClosed(): void {
    this.open = false;
  }

  /** Fails every waiting send (the driver is closing or logged out). */
  rejectAll(err: Error): void {
    this.open = false;
    for (const w of this.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private remove(waiter: Waiter): void {
    const i = this.waiting.indexOf(waiter);
    if (i >= 0) this.waiting.splice(i, 1);
  }
}
