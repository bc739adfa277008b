/** The reference's response envelope: every JSON answer of the API has this shape. */
export interface Envelope<T> {
  status: boolean;
  message: string;
  data: T;
}

/** A successful envelope. */
export function ok<T>(message: string, data: T): Envelope<T> {
  return { status: true, message, data };
}

/** A failed envelope; `data` is always null so clients can branch on `status` alone. */
export function fail(message: string): Envelope<null> {
  return { status: false, message, data: null };
}
