import { describe, expect, it } from 'vitest';
import { StateError, type WebhookAdmin } from '../src/index.js';
import { connectedInstance } from './helpers.js';

describe('webhook admin forwarding', () => {
  it('forwards describe, dead letters and replay for the instance, and purges on delete', async () => {
    const calls: unknown[][] = [];
    const admin: WebhookAdmin = {
      describe: async (id) => {
        calls.push(['describe', id]);
        return { url: null };
      },
      listDeadLetters: async (id, range) => {
        calls.push(['list', id, range]);
        return [{ id: 'msg_1' }];
      },
      replayDeadLetters: async (id, selection) => {
        calls.push(['replay', id, selection]);
        return 1;
      },
      purge: async (id) => {
        calls.push(['purge', id]);
      },
    };
    const { manager, instance } = await connectedInstance();
    await expect(instance.listDeadLetters()).rejects.toBeInstanceOf(StateError);
    manager.useWebhooks(admin);
    const later = manager.instance((await manager.createInstance('user-9'))._id);
    expect(await instance.webhookInfo()).toEqual({ url: null });
    expect(await instance.listDeadLetters({ from: 1 })).toEqual([{ id: 'msg_1' }]);
    expect(await later.replayDeadLetters({ ids: ['msg_1'] })).toBe(1);
    await manager.deleteInstance(later.id);
    expect(calls).toEqual([
      ['describe', instance.id],
      ['list', instance.id, { from: 1 }],
      ['replay', later.id, { ids: ['msg_1'] }],
      ['purge', later.id],
    ]);
  });
});
