import PQueue from 'p-queue';
import { DriverError, SendError, WabotError } from './errors.js';
import type { Jid } from './types.js';

export interface SendQueueOptions {
  /** Sends in flight at once across chats (order within one chat is always kept). Default 4. */
  concurrency?: number;
  /** At most this many sends per `interval` ms. Default: no limit. */
  rateLimit?: { count: number; interval: number };
  /** Retries of a transient failure. Default 3. */
  retries?: number;
  /** First retry delay in ms; doubles each time, with jitter. Default 500. */
  retryDelay?: number;
  /** A send that takes longer fails with SendError. Default 60 000. */
  timeout?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Per-instance send queue: messages to one chat go out in the order they were queued, different chats
 * go in parallel up to `concurrency`, an optional rate limit applies to all, and transient driver
 * failures are retried with exponential backoff and jitter. Each call resolves to the result or rejects
 * with a typed error.
 */
export class SendQueue {
  private readonly queue: PQueue;
  private readonly tails = new Map<Jid, Promise<unknown>>();
  private readonly retries: number;
  private readonly retryDelay: number;
  private readonly timeout: number;

  constructor(options: SendQueueOptions = {}) {
    this.queue = new PQueue({
      concurrency: options.concurrency ?? 4,
      ...(options.rateLimit && {
        intervalCap: options.rateLimit.count,
        interval: options.rateLimit.interval,
      }),
    });
    this.retries = options.retries ?? 3;
    this.retryDelay = options.retryDelay ?? 500;
    this.timeout = options.timeout ?? 60_000;
  }

  /** Queues `task` behind earlier sends to the same chat. */
  push<T>(chatId: Jid, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(chatId) ?? Promise.resolve();
    const run = previous.then(() => this.queue.add(() => this.attempt(chatId, task)) as Promise<T>);
    const tail = run.catch(() => undefined);
    this.tails.set(chatId, tail);
    void tail.then(() => {
      if (this.tails.get(chatId) === tail) this.tails.delete(chatId);
    });
    return run;
  }

  get pending(): number {
    return this.queue.size + this.queue.pending;
  }

  /** Resolves when everything queued so far has finished. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
    await this.queue.onIdle();
  }

  clear(): void {
    this.queue.clear();
  }

  private async attempt<T>(chatId: Jid, task: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.withTimeout(chatId, task());
      } catch (error) {
        const transient = error instanceof DriverError && error.transient;
        if (!transient || attempt >= this.retries) {
          if (error instanceof WabotError) throw error;
          throw new SendError(chatId, `send failed: ${(error as Error)?.message ?? String(error)}`, {
            cause: error,
          });
        }
        const base = this.retryDelay * 2 ** attempt;
        await sleep(base / 2 + Math.random() * base);
      }
    }
  }

  private withTimeout<T>(chatId: Jid, promise: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SendError(chatId, `send timed out after ${this.timeout} ms`)),
        this.timeout,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
