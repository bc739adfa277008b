import { DriverError } from '@wabot/core';

/**
 * Pairing-code state for one socket at a time. A code can only be asked for once the socket has
 * finished its handshake, which Baileys signals by showing the first QR; requests made earlier wait
 * for that (bounded), and concurrent requests share one answer.
 */
export class PairingCodes {
  /** The number to pair with by code; while set, QR codes are not shown. */
  phone: string | undefined;
  private ready = false;
  private waiters: Array<() => void> = [];
  private inFlight: Promise<string> | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** A new socket: not ready yet, nothing asked. */
  reset(): void {
    this.ready = false;
    this.inFlight = undefined;
  }

  /** The socket showed a QR. Returns true when a caller was waiting (and will ask itself). */
  markReady(): boolean {
    this.ready = true;
    const waiting = this.waiters.splice(0);
    for (const wake of waiting) wake();
    return waiting.length > 0;
  }

  get asked(): boolean {
    return this.inFlight !== undefined;
  }

  /** Resolves once the socket is ready; fails with a transient error after the timeout. */
  waitReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        reject(
          new DriverError(`connection not ready for pairing within ${this.timeoutMs} ms`, {
            transient: true,
          }),
        );
      }, this.timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(wake);
    });
  }

  /** Asks once per socket: a request already under way is shared; a failed one may be retried. */
  ask(request: () => Promise<string>): Promise<string> {
    if (this.inFlight) return this.inFlight;
    const pending = request().catch((err: unknown) => {
      if (this.inFlight === pending) this.inFlight = undefined;
      throw err;
    });
    this.inFlight = pending;
    return pending;
  }
}
