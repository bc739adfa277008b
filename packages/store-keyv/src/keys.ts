import { ValidationError } from '@wabot/core';

const NAME = /^[A-Za-z0-9_.-]+$/;

/** Namespaces and key prefixes are simple names, so `<prefix>:<namespace>:<key>` can never be ambiguous. */
export function assertName(value: string, field: string): void {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new ValidationError('must be letters, digits, "_", "-" or "." (no ":")', field);
  }
}

/** Where a (namespace, key) pair lives in the backend's flat key space. */
export class KeyLayout {
  constructor(private readonly prefix: string) {
    assertName(prefix, 'prefix');
  }

  /** The raw-key prefix of everything in `namespace`. */
  namespace(namespace: string): string {
    assertName(namespace, 'namespace');
    return `${this.prefix}:${namespace}:`;
  }

  raw(namespace: string, key: string): string {
    if (typeof key !== 'string') throw new ValidationError('must be a string', 'key');
    return this.namespace(namespace) + key;
  }
}
