import { type BinaryNode, S_WHATSAPP_NET } from '@whiskeysockets/baileys';

/** The server's own address as it appears in `from` attributes. */
export const SERVER_JID = S_WHATSAPP_NET.slice(1); // 's.whatsapp.net'

/** First direct child with the given tag. */
export function child(node: BinaryNode | undefined, tag: string): BinaryNode | undefined {
  return Array.isArray(node?.content) ? node.content.find((c) => c.tag === tag) : undefined;
}

/** All direct children with the given tag (all children when no tag is given). */
export function children(node: BinaryNode | undefined, tag?: string): BinaryNode[] {
  if (!Array.isArray(node?.content)) {
    return [];
  }
  return tag ? node.content.filter((c) => c.tag === tag) : node.content;
}

/** Binary content of a node (or of its child `tag`), or undefined when it has none. */
export function bytes(node: BinaryNode | undefined, tag?: string): Buffer | undefined {
  const target = tag ? child(node, tag) : node;
  const content = target?.content;
  if (content instanceof Uint8Array) {
    return Buffer.from(content);
  }
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : undefined;
}

/** Reads a big-endian unsigned integer of any small width. */
export function readUIntBE(data: Uint8Array | undefined): number | undefined {
  if (!data || data.length === 0 || data.length > 6) {
    return undefined;
  }
  return Buffer.from(data).readUIntBE(0, data.length);
}

/** Writes a big-endian unsigned integer in `width` bytes. */
export function writeUIntBE(value: number, width: number): Buffer {
  const out = Buffer.alloc(width);
  out.writeUIntBE(value, 0, width);
  return out;
}

/** Builds a node; content-less nodes stay content-less so the encoder writes no empty list. */
export function node(
  tag: string,
  attrs: Record<string, string> = {},
  content?: BinaryNode['content'],
): BinaryNode {
  return content === undefined ? { tag, attrs } : { tag, attrs, content };
}

/** An `<iq type="result">` answering `request`, from the server. */
export function iqResult(request: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return node('iq', { id: request.attrs.id ?? '', type: 'result', from: replyFrom(request) }, content);
}

function replyFrom(request: BinaryNode): string {
  const to = request.attrs.to;
  return to?.endsWith('@g.us') ? to : SERVER_JID;
}

/** An `<iq type="error">` answering `request` with a code and text. */
export function iqError(request: BinaryNode, code: number, text: string): BinaryNode {
  return node('iq', { id: request.attrs.id ?? '', type: 'error', from: replyFrom(request) }, [
    node('error', { code: String(code), text }),
  ]);
}

/** Unix time in seconds, as WhatsApp writes it in `t` attributes. */
export function unixNow(): string {
  return String(Math.floor(Date.now() / 1000));
}
