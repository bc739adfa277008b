import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DriverError, SendError, SendQueue } from '../src/index.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SendQueue', () => {
  it('keeps the order within each chat while chats run in parallel', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 25,
        }),
        async (jobs) => {
          const queue = new SendQueue({ concurrency: 3 });
          const done: Array<[string, number]> = [];
          await Promise.all(
            jobs.map(([chat, delay], i) =>
              queue.push(chat, async () => {
                await new Promise((r) => setTimeout(r, delay));
                done.push([chat, i]);
              }),
            ),
          );
          for (const chat of ['a', 'b', 'c']) {
            const order = done.filter(([c]) => c === chat).map(([, i]) => i);
            expect(order).toEqual([...order].sort((x, y) => x - y));
          }
          expect(done).toHaveLength(jobs.length);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('retries transient failures and returns the result', async () => {
    const queue = new SendQueue({ retryDelay: 1, retries: 3 });
    let calls = 0;
    const result = await queue.push('a', async () => {
      calls++;
      if (calls < 3) throw new DriverError('socket closed', { transient: true });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after the retries and does not retry permanent failures', async () => {
    const queue = new SendQueue({ retryDelay: 1, retries: 2 });
    let transientCalls = 0;
    await expect(
      queue.push('a', async () => {
        transientCalls++;
        throw new DriverError('socket closed', { transient: true });
      }),
    ).rejects.toThrow(DriverError);
    expect(transientCalls).toBe(3);
    let permanentCalls = 0;
    await expect(
      queue.push('a', async () => {
        permanentCalls++;
        throw new DriverError('not on WhatsApp');
      }),
    ).rejects.toThrow('not on WhatsApp');
    expect(permanentCalls).toBe(1);
    await expect(
      queue.push('a', async () => {
        throw new TypeError('boom');
      }),
    ).rejects.toBeInstanceOf(SendError);
  });

  it('a failed send does not block the next one to the same chat', async () => {
    const queue = new SendQueue({ retries: 0 });
    const first = queue.push('a', async () => {
      throw new DriverError('x');
    });
    const second = queue.push('a', async () => 2);
    await expect(first).rejects.toThrow('x');
    expect(await second).toBe(2);
  });

  it('fails a send that hangs with a SendError', async () => {
    const queue = new SendQueue({ timeout: 20 });
    await expect(queue.push('a', () => new Promise(() => {}))).rejects.toThrow('send timed out after 20 ms');
  });

  it('holds sends beyond the rate limit', async () => {
    const queue = new SendQueue({ rateLimit: { count: 2, interval: 60_000 }, concurrency: 10 });
    let started = 0;
    for (let i = 0; i < 5; i++) {
      void queue.push(`chat${i}`, async () => {
        started++;
      });
    }
    for (let i = 0; i < 5; i++) await tick();
    expect(started).toBe(2);
    queue.clear();
  });
});
