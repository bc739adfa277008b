/** A one-line description of something thrown, for logs and stored errors. */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
