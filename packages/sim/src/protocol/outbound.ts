import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import { encodeMessage, stanzaType } from './message-content.js';
import { type CompanionDevice, lidAddress } from './model.js';
import { node, unixNow } from './nodes.js';
import type { SimPhone } from './phone.js';
import type { PreKeyBundle } from './signal-peer.js';
import type { SimGroup, World } from './world.js';

/**
 * A companion's published bundle with one of its one-time pre-keys, which is used up (as the
 * server hands each one-time pre-key out once). Without pre-keys left the bundle has none.
 */
export function takeBundle(device: CompanionDevice): PreKeyBundle {
  const next = device.preKeys.entries().next().value;
  if (!next) {
    return device.bundle;
  }
  device.preKeys.delete(next[0]);
  return { ...device.bundle, preKey: { keyId: next[0], publicKey: next[1] } };
}

/**
 * Encrypts content from `sender`'s primary device to a companion device of `owner`, opening a
 * session from `freshBundle` (or the device's published bundle) when there is none.
 */
export async function encryptFor(
  sender: SimPhone,
  owner: SimPhone,
  device: CompanionDevice,
  content: proto.IMessage,
  freshBundle?: PreKeyBundle,
): Promise<BinaryNode> {
  const address = lidAddress(owner.lid, device.deviceId);
  const bundle = sender.peer.hasSession(address) ? undefined : (freshBundle ?? takeBundle(device));
  const { type, ciphertext } = await sender.peer.encrypt(address, encodeMessage(content), bundle);
  return node('enc', { v: '2', type }, ciphertext);
}

/**
 * Sends a 1:1 message from a phone: the target's phone gets it directly, the target's linked
 * clients get it encrypted, and the sender's own linked clients get a "sent by your phone" copy.
 */
export async function sendDirect(
  world: World,
  sender: SimPhone,
  target: SimPhone,
  content: proto.IMessage,
  id: string,
): Promise<void> {
  const attrs = { id, type: stanzaType(content), t: unixNow(), notify: sender.name };
  if (target !== sender) {
    target.deliverLocal(sender.simMessage(id, sender.jid, content));
    for (const device of target.companions.values()) {
      const enc = await encryptFor(sender, target, device, content);
      world.deliver(
        device,
        node('message', { ...attrs, from: sender.jid, sender_lid: sender.lidJid }, [enc]),
      );
    }
  }
  for (const device of sender.companions.values()) {
    const copy = { deviceSentMessage: { destinationJid: target.jid, message: content } };
    const enc = await encryptFor(sender, sender, device, copy);
    world.deliver(device, node('message', { ...attrs, from: sender.jid, recipient: target.jid }, [enc]));
  }
}

/**
 * Sends a group message from a phone with its sender key: every linked client in the group
 * gets the `skmsg`, preceded the first time by the sender key itself in a pairwise message.
 */
export async function sendToGroup(
  world: World,
  sender: SimPhone,
  group: SimGroup,
  content: proto.IMessage,
  id: string,
): Promise<void> {
  const self = lidAddress(sender.lid, 0);
  const { ciphertext, distribution } = await sender.peer.groupEncrypt(
    group.jid,
    self,
    encodeMessage(content),
  );
  const attrs = {
    id,
    from: group.jid,
    participant: sender.jid,
    participant_lid: sender.lidJid,
    type: stanzaType(content),
    t: unixNow(),
    notify: sender.name,
    addressing_mode: 'pn',
  };
  const distributionMessage: proto.IMessage = {
    senderKeyDistributionMessage: { groupId: group.jid, axolotlSenderKeyDistributionMessage: distribution },
  };
  for (const member of group.members) {
    if (member !== sender) {
      member.deliverLocal(sender.simMessage(id, group.jid, content));
    }
    for (const device of member.companions.values()) {
      const encs: BinaryNode[] = [];
      const key = `${group.jid}|${member.number}:${device.deviceId}`;
      if (!sender.senderKeysSent.has(key)) {
        encs.push(await encryptFor(sender, member, device, distributionMessage));
        sender.senderKeysSent.add(key);
      }
      encs.push(node('enc', { v: '2', type: 'skmsg' }, Buffer.from(ciphertext)));
      world.deliver(device, node('message', attrs, encs));
    }
  }
}
