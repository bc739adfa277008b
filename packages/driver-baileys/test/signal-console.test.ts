import { afterEach, describe, expect, it, vi } from 'vitest';
import { quietLibsignalConsole } from '../src/index.js';

describe('quietLibsignalConsole', () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it('drops session dumps (with their keys) and lets other lines through', () => {
    const printed: unknown[][] = [];
    const spy = vi.spyOn(console, 'info').mockImplementation((...args) => {
      printed.push(args);
    });
    const debug: unknown[] = [];
    restore = quietLibsignalConsole({ debug: (_o, m) => debug.push(m), info() {}, warn() {}, error() {} });
    const secret = { currentRatchet: { ephemeralKeyPair: { privKey: Buffer.from('very-secret') } } };
    console.info('Closing session:', secret);
    console.info('Opening session:', secret);
    console.info('an ordinary line', 1);
    expect(printed).toEqual([['an ordinary line', 1]]);
    expect(debug).toEqual(['Closing session', 'Opening session']);
    restore();
    restore = undefined;
    console.info('Closing session:', 'after restore');
    expect(printed).toHaveLength(2);
    spy.mockRestore();
  });
});
