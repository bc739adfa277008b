import type { Logger } from '@wabot/core';

/**
 * Lines libsignal writes to the console while it manages sessions. Several of them print the whole
 * session record, private ratchet keys included, so they must not reach a log file.
 */
export const LIBSIGNAL_CONSOLE_LINE =
  /^(Closing session|Opening session|Removing old closed session|Session already (closed|open)|Closing open session|Decrypted message with closed session|Migrating session to|Failed to decrypt message with any known session|Session error)/;

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error';

/**
 * Keeps libsignal's session dumps out of the process output: matching console lines are reduced to
 * their first words and passed to `logger.debug` without the session object; everything else goes
 * to the console as before. Call it once in an application that runs Baileys (the `wabot serve`
 * command does); returns a function that puts the console back.
 */
export function quietLibsignalConsole(logger?: Logger): () => void {
  const originals = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    originals.set(method, original);
    console[method] = (...args: unknown[]) => {
      const first = args[0];
      if (typeof first === 'string' && LIBSIGNAL_CONSOLE_LINE.test(first)) {
        logger?.debug({ module: 'libsignal' }, first.split(':')[0] ?? first);
        return;
      }
      original(...args);
    };
  }
  return () => {
    for (const [method, original] of originals) console[method] = original;
  };
}
