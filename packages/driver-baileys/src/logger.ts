import type { Logger } from '@wabot/core';

/** The logger interface Baileys expects (a subset of pino's). */
export interface ILogger {
  level: string;
  child(bindings: Record<string, unknown>): ILogger;
  trace(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** A logger that already speaks Baileys' (pino's) interface; passed through untouched. */
export type PinoLike = ILogger;

function isPinoLike(logger: Logger | PinoLike): logger is PinoLike {
  const l = logger as Partial<PinoLike>;
  return typeof l.level === 'string' && typeof l.trace === 'function' && typeof l.child === 'function';
}

/**
 * Gives Baileys a logger. A pino (or pino-compatible) logger is used as is; a core `Logger` is wrapped,
 * with `trace` folded into `debug` (Baileys' trace output is too chatty to be worth a level of its own).
 */
export function toBaileysLogger(logger: Logger | PinoLike, level = 'info'): ILogger {
  if (isPinoLike(logger)) return logger;
  return {
    level,
    child: (bindings: Record<string, unknown>) =>
      toBaileysLogger(logger.child ? logger.child(bindings) : logger, level),
    trace: () => {},
    debug: (obj: unknown, msg?: string) => logger.debug(obj, msg),
    info: (obj: unknown, msg?: string) => logger.info(obj, msg),
    warn: (obj: unknown, msg?: string) => logger.warn(obj, msg),
    error: (obj: unknown, msg?: string) => logger.error(obj, msg),
  };
}
