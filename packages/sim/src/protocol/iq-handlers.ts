import type { BinaryNode } from '@whiskeysockets/baileys';
import type { Sender } from './inbound.js';
import { bytes, child, children, iqResult, node, readUIntBE, unixNow, writeUIntBE } from './nodes.js';
import { takeBundle } from './outbound.js';
import type { SimPhone } from './phone.js';
import type { PreKeyBundle } from './signal-peer.js';
import type { SimGroup, World } from './world.js';

type IqHandler = (world: World, sender: Sender, iq: BinaryNode) => BinaryNode;

/** Reads a signed pre-key (`<skey><id/><value/><signature/></skey>`). */
function readSignedPreKey(skey: BinaryNode | undefined): PreKeyBundle['signedPreKey'] | undefined {
  const keyId = readUIntBE(bytes(skey, 'id'));
  const publicKey = bytes(skey, 'value');
  const signature = bytes(skey, 'signature');
  return keyId !== undefined && publicKey && signature ? { keyId, publicKey, signature } : undefined;
}

/** `encrypt set`: the client uploads its identity, signed pre-key and one-time pre-keys. */
function uploadKeys(_world: World, { device }: Sender, iq: BinaryNode): BinaryNode {
  const rotate = child(iq, 'rotate');
  const signedPreKey = readSignedPreKey(child(rotate ?? iq, 'skey'));
  if (signedPreKey) {
    device.bundle = { ...device.bundle, signedPreKey };
  }
  const registrationId = readUIntBE(bytes(iq, 'registration'));
  const identityKey = bytes(iq, 'identity');
  if (registrationId !== undefined && identityKey) {
    device.bundle = { ...device.bundle, registrationId, identityKey };
  }
  for (const key of children(child(iq, 'list'), 'key')) {
    const keyId = readUIntBE(bytes(key, 'id'));
    const value = bytes(key, 'value');
    if (keyId !== undefined && value) {
      device.preKeys.set(keyId, value);
    }
  }
  return iqResult(iq);
}

function bundleNode(jid: string, bundle: PreKeyBundle): BinaryNode {
  const content = [
    node('registration', {}, writeUIntBE(bundle.registrationId, 4)),
    node('type', {}, Buffer.from([5])),
    node('identity', {}, bundle.identityKey),
    node('skey', {}, [
      node('id', {}, writeUIntBE(bundle.signedPreKey.keyId, 3)),
      node('value', {}, bundle.signedPreKey.publicKey),
      node('signature', {}, bundle.signedPreKey.signature),
    ]),
  ];
  if (bundle.preKey) {
    content.push(
      node('key', {}, [
        node('id', {}, writeUIntBE(bundle.preKey.keyId, 3)),
        node('value', {}, bundle.preKey.publicKey),
      ]),
    );
  }
  return node('user', { jid }, content);
}

/** `encrypt get <key>`: pre-key bundles for the requested devices. */
function fetchKeys(world: World, _sender: Sender, iq: BinaryNode): BinaryNode {
  const users = children(child(iq, 'key'), 'user').map((user) => {
    const jid = user.attrs.jid ?? '';
    const resolved = world.resolveDevice(jid);
    const companion =
      resolved && resolved.device !== 0 ? resolved.phone.companions.get(resolved.device) : undefined;
    if (resolved?.device === 0) {
      return bundleNode(jid, resolved.phone.peer.issueBundle());
    }
    if (companion) {
      return bundleNode(jid, takeBundle(companion));
    }
    return node('user', { jid }, [node('error', { code: '404', text: 'item-not-found' })]);
  });
  return iqResult(iq, [node('list', {}, users)]);
}

function encrypt(world: World, sender: Sender, iq: BinaryNode): BinaryNode {
  if (iq.attrs.type === 'set') {
    return uploadKeys(world, sender, iq);
  }
  if (child(iq, 'count')) {
    return iqResult(iq, [node('count', { value: String(sender.device.preKeys.size) })]);
  }
  if (child(iq, 'key')) {
    return fetchKeys(world, sender, iq);
  }
  if (child(iq, 'digest')) {
    return iqResult(iq, [node('digest', {})]);
  }
  return iqResult(iq);
}

function deviceList(phone: SimPhone): BinaryNode {
  const devices = [
    node('device', { id: '0' }),
    ...[...phone.companions.values()].map((d) =>
      node('device', { id: String(d.deviceId), 'key-index': String(d.keyIndex) }),
    ),
  ];
  return node('devices', {}, [node('device-list', {}, devices)]);
}

/**
 * A phone-number JID a client is about to message gets a simulated phone on demand, so tests
 * can send first and look at the recipient's phone afterwards. Lookups (onWhatsApp) do not
 * create phones.
 */
function phoneFor(world: World, jid: string, context: string | undefined): SimPhone | undefined {
  const existing = world.findPhone(jid);
  if (existing || context !== 'message' || !jid.endsWith('@s.whatsapp.net')) {
    return existing;
  }
  try {
    return world.phone(jid);
  } catch {
    return undefined;
  }
}

/** `usync`: device lists, LIDs and "is on WhatsApp" for the requested users. */
function usync(world: World, _sender: Sender, iq: BinaryNode): BinaryNode {
  const request = child(iq, 'usync');
  const wanted = new Set(children(child(request, 'query')).map((q) => q.tag));
  const users = children(child(request, 'list'), 'user').map((user) => {
    const contact = bytes(user, 'contact')?.toString('utf8');
    const jid = user.attrs.jid ?? (contact ? `${contact.replace(/^\+/, '')}@s.whatsapp.net` : '');
    const phone = phoneFor(world, jid, request?.attrs.context);
    const content: BinaryNode[] = [];
    if (wanted.has('contact')) {
      content.push(node('contact', { type: phone ? 'in' : 'out' }));
    }
    if (wanted.has('devices')) {
      content.push(phone ? deviceList(phone) : node('devices', {}, [node('device-list', {}, [])]));
    }
    if (wanted.has('lid') && phone) {
      content.push(node('lid', { val: phone.lidJid }));
    }
    if (wanted.has('status') && phone) {
      content.push(node('status', { t: unixNow() }, Buffer.from('Hey there! I am using WhatsApp.')));
    }
    return node('user', { jid: phone && !jid.endsWith('@lid') ? phone.jid : jid }, content);
  });
  return iqResult(iq, [
    node('usync', { ...request?.attrs }, [node('result', {}, []), node('list', {}, users)]),
  ]);
}

function groupNode(group: SimGroup): BinaryNode {
  return node(
    'group',
    {
      id: group.jid.split('@')[0] ?? '',
      subject: group.subject,
      s_t: String(group.creation),
      s_o: group.creator.jid,
      creation: String(group.creation),
      creator: group.creator.jid,
      size: String(group.members.length),
      addressing_mode: 'pn',
    },
    group.members.map((m) =>
      node('participant', {
        jid: m.jid,
        lid: m.lidJid,
        ...(m === group.creator ? { type: 'superadmin' } : {}),
      }),
    ),
  );
}

/** `w:g2`: group metadata and the list of groups the account is in. */
function groups(world: World, sender: Sender, iq: BinaryNode): BinaryNode {
  if (child(iq, 'participating')) {
    return iqResult(iq, [node('groups', {}, world.groupsOf(sender.phone).map(groupNode))]);
  }
  const group = world.findGroup(iq.attrs.to ?? '');
  if (!group?.members.includes(sender.phone)) {
    return iqResult(iq, [node('error', { code: '404', text: 'item-not-found' })]);
  }
  return iqResult(iq, [groupNode(group)]);
}

/** `md`: the client unlinking itself (Baileys' `logout()`). */
function multiDevice(_world: World, sender: Sender, iq: BinaryNode): BinaryNode {
  if (child(iq, 'remove-companion-device')) {
    sender.phone.companions.delete(sender.device.deviceId);
  }
  return iqResult(iq);
}

/** `w:m media_conn`: where and with which token to upload media. */
function mediaConn(world: World, _sender: Sender, iq: BinaryNode): BinaryNode {
  if (!child(iq, 'media_conn')) {
    return iqResult(iq);
  }
  return iqResult(iq, [
    node('media_conn', { auth: world.media.auth, ttl: '3600', auth_ttl: '3600', max_buckets: '12' }, [
      node('host', { hostname: world.media.host, maxContentLengthBytes: String(64 * 1024 * 1024) }),
    ]),
  ]);
}

const handlers: Record<string, IqHandler> = {
  'w:m': mediaConn,
  encrypt,
  md: multiDevice,
  usync,
  'w:g2': groups,
  abt: (_w, _s, iq) => iqResult(iq, [node('props', { protocol: '1', hash: 'sim' }, [])]),
  blocklist: (_w, _s, iq) => iqResult(iq, [node('list', {}, [])]),
  privacy: (_w, _s, iq) =>
    iq.attrs.type === 'get' && child(iq, 'privacy') ? iqResult(iq, [node('privacy', {}, [])]) : iqResult(iq),
};

/**
 * Answers an iq from a logged-in client. Every iq gets an answer, even ones the simulator does
 * not model (an empty result), because an unanswered query stalls the client for a minute.
 */
export function answerIq(world: World, sender: Sender, iq: BinaryNode): BinaryNode {
  const handler = handlers[iq.attrs.xmlns ?? ''];
  return handler ? handler(world, sender, iq) : iqResult(iq);
}
