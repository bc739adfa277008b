import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { Sender } from './inbound.js';
import { stanzaType } from './message-content.js';
import { lidAddress } from './model.js';
import { bytes, child, node, readUIntBE, unixNow } from './nodes.js';
import { encryptFor } from './outbound.js';
import type { SimPhone } from './phone.js';
import type { PreKeyBundle } from './signal-peer.js';
import type { World } from './world.js';

/** The key bundle a retry receipt carries (`<registration>` plus `<keys>`), if complete. */
function bundleFromRetry(receipt: BinaryNode): PreKeyBundle | undefined {
  const keys = child(receipt, 'keys');
  const registrationId = readUIntBE(bytes(receipt, 'registration'));
  const identityKey = bytes(keys, 'identity');
  const skey = child(keys, 'skey');
  const signedKeyId = readUIntBE(bytes(skey, 'id'));
  const signedPublicKey = bytes(skey, 'value');
  const signature = bytes(skey, 'signature');
  if (
    registrationId === undefined ||
    !identityKey ||
    signedKeyId === undefined ||
    !signedPublicKey ||
    !signature
  ) {
    return undefined;
  }
  const key = child(keys, 'key');
  const preKeyId = readUIntBE(bytes(key, 'id'));
  const preKey = bytes(key, 'value');
  return {
    registrationId,
    identityKey,
    signedPreKey: { keyId: signedKeyId, publicKey: signedPublicKey, signature },
    preKey: preKeyId !== undefined && preKey ? { keyId: preKeyId, publicKey: preKey } : undefined,
  };
}

/**
 * Answers a retry receipt (the client could not decrypt a phone's message): the phone starts a
 * fresh session with that device, from the keys in the receipt when it has them, and sends the
 * message again under the same id, pairwise. For a group message the sender key rides along.
 */
export async function handleRetryReceipt(world: World, sender: Sender, receipt: BinaryNode): Promise<void> {
  const { id = '', to = '', participant } = receipt.attrs;
  const isGroup = to.endsWith('@g.us');
  const author: SimPhone | undefined = world.findPhone(isGroup ? (participant ?? '') : to);
  const original = author?.sent.get(id);
  if (!author || !original) {
    return;
  }
  const device = sender.device;
  const address = lidAddress(sender.phone.lid, device.deviceId);
  author.peer.resetSession(address);
  const fresh = bundleFromRetry(receipt);
  if (fresh) {
    device.bundle = {
      registrationId: fresh.registrationId,
      identityKey: fresh.identityKey,
      signedPreKey: fresh.signedPreKey,
    };
  }
  let content: proto.IMessage = original.content;
  if (isGroup) {
    const self = lidAddress(author.lid, 0);
    const distribution = await author.peer.senderKeyDistribution(to, self);
    content = {
      ...content,
      senderKeyDistributionMessage: { groupId: to, axolotlSenderKeyDistributionMessage: distribution },
    };
  }
  const enc = await encryptFor(author, sender.phone, device, content, fresh);
  const type = stanzaType(content);
  const attrs: Record<string, string> = isGroup
    ? { id, from: to, participant: author.jid, t: unixNow(), type, addressing_mode: 'pn' }
    : { id, from: author.jid, sender_lid: author.lidJid, t: unixNow(), type, notify: author.name };
  world.deliver(device, node('message', attrs, [enc]));
}
