/**
 * Remembers the last `limit` keys, oldest forgotten first. Used to drop a message WhatsApp delivers
 * a second time (a redelivery after a reconnect decrypts like a new message).
 */
export class RecentIds {
  private readonly keys = new Set<string>();

  constructor(private readonly limit = 2000) {}

  /** True when `key` was seen before; otherwise remembers it and returns false. */
  seen(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    if (this.keys.size > this.limit) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return false;
  }
}
