import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import { decodeMessage } from './message-content.js';
import { type CompanionDevice, lidAddress, type SimReceipt } from './model.js';
import { bytes, child, children, node, unixNow } from './nodes.js';
import type { SimPhone } from './phone.js';
import { handleRetryReceipt } from './retry.js';
import type { EncryptedType, SignalAddress } from './signal-peer.js';
import type { World } from './world.js';

/** The logged-in client a stanza came from. */
export interface Sender {
  phone: SimPhone;
  device: CompanionDevice;
}

/** Content the recipient should see: the message minus sender-key bookkeeping, if anything is left. */
function visibleContent(message: proto.Message): proto.IMessage | undefined {
  const fields = Object.entries(message).filter(
    ([key, value]) => value != null && key !== 'senderKeyDistributionMessage',
  );
  const meaningful = fields.some(([key]) => key !== 'messageContextInfo');
  return meaningful ? (Object.fromEntries(fields) as proto.IMessage) : undefined;
}

/** Decrypts a pairwise copy at a phone, storing any sender key it distributes. */
async function openPairwise(
  recipient: SimPhone,
  senderAddress: SignalAddress,
  enc: BinaryNode,
  ciphertext: Buffer,
): Promise<proto.IMessage | undefined> {
  const plain = await recipient.peer.decrypt(senderAddress, enc.attrs.type as EncryptedType, ciphertext);
  const message = decodeMessage(plain);
  const distribution = message.senderKeyDistributionMessage;
  if (distribution?.groupId && distribution.axolotlSenderKeyDistributionMessage) {
    await recipient.peer.processDistribution(
      distribution.groupId,
      senderAddress,
      distribution.axolotlSenderKeyDistributionMessage,
    );
  }
  return visibleContent(message);
}

/**
 * Handles a `<message>` a client sent: the phones' own devices decrypt their copies, other
 * companion devices get the ciphertext relayed as the server would, and the sender gets a
 * server ack plus a delivery receipt from every phone that received it.
 */
export async function handleClientMessage(world: World, sender: Sender, stanza: BinaryNode): Promise<void> {
  const { id = '', to = '' } = stanza.attrs;
  const senderJid = `${sender.phone.number}:${sender.device.deviceId}@s.whatsapp.net`;
  const senderAddress = lidAddress(sender.phone.lid, sender.device.deviceId);
  const group = world.findGroup(to);
  const skmsg = children(stanza, 'enc').find((e) => e.attrs.type === 'skmsg');
  const deliveredTo = new Set<SimPhone>();
  const relayed = new Map<CompanionDevice, BinaryNode[]>();

  for (const target of children(child(stanza, 'participants'), 'to')) {
    const enc = child(target, 'enc');
    const ciphertext = bytes(enc);
    const resolved = world.resolveDevice(target.attrs.jid ?? '');
    if (!enc || !ciphertext || !resolved) {
      continue;
    }
    if (resolved.device !== 0) {
      const device = resolved.phone.companions.get(resolved.device);
      if (device && device !== sender.device) {
        relayed.set(device, [enc]);
      }
      continue;
    }
    const recipient = resolved.phone;
    const content = await openPairwise(recipient, senderAddress, enc, ciphertext).catch((error) => {
      world.reportError(error);
      return undefined;
    });
    if (!group && recipient !== sender.phone && content) {
      recipient.deliverLocal({ ...sender.phone.simMessage(id, sender.phone.jid, content, senderJid) });
      deliveredTo.add(recipient);
    }
  }

  if (group && skmsg) {
    const ciphertext = bytes(skmsg) ?? Buffer.alloc(0);
    for (const member of group.members) {
      if (member !== sender.phone) {
        const content = await member.peer
          .groupDecrypt(group.jid, senderAddress, ciphertext)
          .then((plain) => visibleContent(decodeMessage(plain)))
          .catch((error) => {
            world.reportError(error);
            return undefined;
          });
        if (content) {
          member.deliverLocal(sender.phone.simMessage(id, group.jid, content, senderJid));
          deliveredTo.add(member);
        }
      }
      for (const device of member.companions.values()) {
        if (device !== sender.device) {
          relayed.set(device, [...(relayed.get(device) ?? []), skmsg]);
        }
      }
    }
  }

  world.recordOrigin(id, sender.device);
  relayToCompanions(world, sender, stanza, senderJid, relayed);
  const link = sender.device.link;
  link?.send(node('ack', { class: 'message', id, from: to, t: unixNow() }));
  for (const recipient of deliveredTo) {
    const attrs: Record<string, string> = group
      ? { id, from: group.jid, participant: recipient.jid, t: unixNow() }
      : { id, from: recipient.jid, t: unixNow() };
    link?.send(node('receipt', attrs));
  }
}

function relayToCompanions(
  world: World,
  sender: Sender,
  stanza: BinaryNode,
  senderJid: string,
  relayed: Map<CompanionDevice, BinaryNode[]>,
): void {
  const { id = '', to = '', type = 'text' } = stanza.attrs;
  const isGroup = to.endsWith('@g.us');
  const identity = child(stanza, 'device-identity');
  for (const [device, encs] of relayed) {
    const ownDevice = sender.phone.companions.get(device.deviceId) === device;
    const attrs: Record<string, string> = isGroup
      ? { id, from: to, participant: senderJid, type, t: unixNow(), addressing_mode: 'pn' }
      : {
          id,
          from: senderJid,
          type,
          t: unixNow(),
          sender_lid: `${sender.phone.lid}:${sender.device.deviceId}@lid`,
        };
    if (ownDevice && !isGroup) {
      attrs.recipient = to;
    }
    world.deliver(device, node('message', attrs, identity ? [...encs, identity] : encs));
  }
}

function receiptType(type: string | undefined): SimReceipt['type'] | undefined {
  switch (type) {
    case undefined:
    case 'inactive':
    case 'sender':
      return 'delivery';
    case 'read':
    case 'read-self':
      return 'read';
    case 'played':
      return 'played';
    default:
      return undefined;
  }
}

/**
 * Records a client's delivery/read receipt on the phone whose message it acknowledges (and
 * relays it to the client that sent the message); a retry receipt gets the message re-sent.
 */
export async function handleClientReceipt(world: World, sender: Sender, stanza: BinaryNode): Promise<void> {
  const { id = '', to = '', participant, type } = stanza.attrs;
  sender.device.link?.send(node('ack', { class: 'receipt', id, from: to, ...(type ? { type } : {}) }));
  const ids = [id, ...children(child(stanza, 'list'), 'item').map((item) => item.attrs.id ?? '')].filter(
    Boolean,
  );
  // Any receipt (even a retry request) means the device got the stanza.
  for (const messageId of ids) {
    sender.device.unacked.delete(messageId);
  }
  if (type === 'retry') {
    await handleRetryReceipt(world, sender, stanza);
    return;
  }
  const kind = receiptType(type);
  const author = world.findPhone(to.endsWith('@g.us') ? (participant ?? '') : to);
  if (!kind || !author) {
    return;
  }
  const fromDevice = `${sender.phone.number}:${sender.device.deviceId}@s.whatsapp.net`;
  for (const messageId of ids) {
    author.recordReceipt({ messageId, fromDevice, type: kind });
    const origin = world.originOf(messageId);
    if (origin && origin !== sender.device) {
      const attrs: Record<string, string> = to.endsWith('@g.us')
        ? { id: messageId, from: to, participant: sender.phone.jid, t: unixNow() }
        : { id: messageId, from: sender.phone.jid, t: unixNow() };
      if (kind !== 'delivery') {
        attrs.type = kind;
      }
      world.deliver(origin, node('receipt', attrs));
    }
  }
}
