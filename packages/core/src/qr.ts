import QRCode from 'qrcode';

/** The QR as a PNG image. */
export async function qrToPng(text: string): Promise<Uint8Array> {
  const buf = await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'L', margin: 2, scale: 6 });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The QR as `data:image/png;base64,...`. */
export function qrToDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'L', margin: 2, scale: 6 });
}

/** The QR drawn with block characters, for printing in a terminal. */
export function qrToTerminal(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
}
