import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../src/index.js';
import { encodeFrame, FrameReader, MAX_FRAME_SIZE } from '../src/protocol/frame-codec.js';

const INTRO = Buffer.from([0x57, 0x41, 6, 3]);

function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(data.subarray(last, p));
    last = p;
  }
  parts.push(data.subarray(last));
  return parts;
}

describe('frame codec', () => {
  it('returns every frame body whatever way the stream is chunked', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (bodies, cuts) => {
          const stream = Buffer.concat([INTRO, ...bodies.map((b) => encodeFrame(b))]);
          const reader = new FrameReader();
          const out = splitAt(stream, cuts).flatMap((part) => reader.push(part));
          expect(out.map((b) => [...b])).toEqual(bodies.map((b) => [...b]));
        },
      ),
    );
  });

  it('skips an edge-routing prefix before the WA intro', { timeout: 30_000 }, () => {
    const routing = Buffer.from('routing-info');
    const edge = Buffer.from([0x45, 0x44, 0, 1, 0, 0, routing.length]);
    const reader = new FrameReader();
    const frames = reader.push(Buffer.concat([edge, routing, INTRO, encodeFrame(Buffer.from('hi'))]));
    expect(frames.map((f) => f.toString())).toEqual(['hi']);
  });

  it('rejects a stream that does not start with the intro', { timeout: 30_000 }, () => {
    expect(() => new FrameReader().push(Buffer.from([1, 2, 3, 4, 5]))).toThrow(ProtocolError);
  });

  it('refuses bodies larger than a 3-byte length can describe', { timeout: 30_000 }, () => {
    expect(() => encodeFrame(new Uint8Array(MAX_FRAME_SIZE + 1))).toThrow(ProtocolError);
    expect(encodeFrame(new Uint8Array(3)).subarray(0, 3)).toEqual(Buffer.from([0, 0, 3]));
  });
});
