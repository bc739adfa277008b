import { ProtocolError } from './errors.js';

/** Largest body a 3-byte length prefix can describe. */
export const MAX_FRAME_SIZE = 0xffffff;

const WA_MAGIC = [0x57, 0x41] as const; // 'WA'
const EDGE_MAGIC = [0x45, 0x44] as const; // 'ED'
const WA_INTRO_LENGTH = 4;
const EDGE_PREFIX_LENGTH = 7;

/** Prefixes a frame body with its 3-byte big-endian length. */
export function encodeFrame(body: Uint8Array): Buffer {
  if (body.byteLength > MAX_FRAME_SIZE) {
    throw new ProtocolError(`frame of ${body.byteLength} bytes exceeds ${MAX_FRAME_SIZE}`);
  }
  const frame = Buffer.allocUnsafe(3 + body.byteLength);
  frame[0] = (body.byteLength >>> 16) & 0xff;
  frame[1] = (body.byteLength >>> 8) & 0xff;
  frame[2] = body.byteLength & 0xff;
  frame.set(body, 3);
  return frame;
}

/**
 * Splits the client's byte stream into frame bodies. The first bytes a client sends are an
 * intro ('WA' + version + dictionary, optionally preceded by an 'ED' edge-routing block) that
 * carries no length prefix, so it is consumed before any frame is read.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private introDone = false;

  /** Adds received bytes and returns every complete frame body they finish. */
  push(chunk: Uint8Array): Buffer[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    if (!this.introDone && !this.consumeIntro()) {
      return [];
    }
    const frames: Buffer[] = [];
    while (this.buffer.length >= 3) {
      const size = (this.buffer[0]! << 16) | (this.buffer[1]! << 8) | this.buffer[2]!;
      if (this.buffer.length < 3 + size) {
        break;
      }
      frames.push(this.buffer.subarray(3, 3 + size));
      this.buffer = this.buffer.subarray(3 + size);
    }
    return frames;
  }

  private consumeIntro(): boolean {
    let offset = 0;
    if (this.buffer.length < 2) {
      return false;
    }
    if (this.buffer[0] === EDGE_MAGIC[0] && this.buffer[1] === EDGE_MAGIC[1]) {
      if (this.buffer.length < EDGE_PREFIX_LENGTH) {
        return false;
      }
      const routingLength = (this.buffer[4]! << 16) | this.buffer.readUInt16BE(5);
      offset = EDGE_PREFIX_LENGTH + routingLength;
    }
    if (this.buffer.length < offset + WA_INTRO_LENGTH) {
      return false;
    }
    if (this.buffer[offset] !== WA_MAGIC[0] || this.buffer[offset + 1] !== WA_MAGIC[1]) {
      throw new ProtocolError('connection did not start with the WA intro');
    }
    this.buffer = this.buffer.subarray(offset + WA_INTRO_LENGTH);
    this.introDone = true;
    return true;
  }
}
