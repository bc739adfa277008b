import { ValidationError } from '@wabot/core';

/**
 * A peer broke the wire protocol (bad intro, oversized frame, failed handshake).
 * The connection that produced it is closed; nothing else in the simulator changes.
 */
export class ProtocolError extends ValidationError {
  constructor(message: string) {
    super(message, 'protocol');
  }
}
