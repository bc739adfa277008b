import { NotFoundError, ValidationError } from '@wabot/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWaSim, type WaSim } from '../src/index.js';

describe('simulated phones and groups', () => {
  let sim: WaSim;
  beforeEach(async () => {
    sim = await startWaSim();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('gives one phone per number, with distinct LIDs', { timeout: 30_000 }, () => {
    const a = sim.phone('+15550001111', { name: 'Ann' });
    expect(sim.phone('15550001111')).toBe(a);
    expect(sim.phone('15550001111@s.whatsapp.net')).toBe(a);
    expect(a.jid).toBe('15550001111@s.whatsapp.net');
    expect(a.name).toBe('Ann');
    expect(a.lidJid).toMatch(/^\d+@lid$/);
    expect(sim.phone('15550002222').lidJid).not.toBe(a.lidJid);
  });

  it('refuses things that are not phone numbers', { timeout: 30_000 }, () => {
    for (const bad of ['', 'abc', '0123456789', '12', '1234567890123456']) {
      expect(() => sim.phone(bad)).toThrow(ValidationError);
    }
  });

  it('needs members for a group and known recipients for a message', { timeout: 30_000 }, async () => {
    expect(() => sim.group('empty', [])).toThrow(ValidationError);
    const group = sim.group('pair', ['15550001111', '15550002222']);
    expect(group.jid).toMatch(/@g\.us$/);
    expect(group.members.map((m) => m.number)).toEqual(['15550001111', '15550002222']);
    await expect(sim.phone('15550001111').sendText('15559990000@s.whatsapp.net', 'hi')).rejects.toThrow(
      NotFoundError,
    );
  });

  it('delivers between two simulated phones without any client', { timeout: 30_000 }, async () => {
    const ann = sim.phone('15550001111');
    const ben = sim.phone('15550002222');
    const id = await ann.sendText(ben.jid, 'phone to phone');
    const got = await ben.waitForMessage((m) => m.id === id);
    expect([got.text, got.from, got.chat]).toEqual(['phone to phone', ann.jid, ann.jid]);
    await expect(ben.waitForMessage((m) => m.text === 'never', { timeoutMs: 50 })).rejects.toThrow(
      /timed out/,
    );
  });
});
