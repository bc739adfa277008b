import { storeContract } from '@wabot/core/testing';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { authStateTests } from './helpers.js';

storeContract(() => createStore('memory://'), { name: 'KeyvStore memory://' });
authStateTests(() => createStore('memory://'));

describe('memory://', () => {
  it('keeps nothing between stores', async () => {
    const one = await createStore('memory://');
    await one.set('ns', 'k', 1);
    const two = await createStore('memory://');
    expect(await two.get('ns', 'k')).toBeUndefined();
    expect(one.kind).toBe('memory');
    await one.close();
    await two.close();
  });
});
