import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { NotFoundError, ValidationError } from '@wabot/core';
import type { BinaryNode } from '@whiskeysockets/baileys';
import type { MediaServer } from './media-server.js';
import type { CompanionDevice, SimMessage } from './model.js';
import { bytes, child, node, unixNow } from './nodes.js';
import { completePairing, type PendingRegistration, parsePairingQr } from './pairing.js';
import { type CodeRegistration, primaryHello, readCompanionFinish } from './pairing-code.js';
import { type LinkedDeviceInfo, SimPhone } from './phone.js';
import { waitFor } from './wait.js';

/** A group chat known to the simulator. */
export interface SimGroup {
  readonly jid: string;
  subject: string;
  readonly creation: number;
  readonly creator: SimPhone;
  readonly members: SimPhone[];
}

/** Options for `sim.phone()`. */
export interface PhoneOptions {
  /** Push name shown to others (`notify`). Defaults to "Sim <number>". */
  name?: string;
}

/** Where a JID points: a phone and one of its devices (0 is the phone itself). */
export interface ResolvedDevice {
  phone: SimPhone;
  device: number;
}

const NUMBER = /^[1-9]\d{6,14}$/;
const CODE_WAIT_MS = 5_000;
const MAX_ORIGINS = 10_000;

function userPart(jid: string): { user: string; server: string; device: number } {
  const [left = '', server = ''] = jid.split('@');
  const [userAgent = '', device] = left.split(':');
  const user = userAgent.split('_')[0] ?? '';
  return { user, server, device: device ? Number(device) : 0 };
}

/**
 * The simulated WhatsApp network: phones (by number and LID), groups, clients waiting to be
 * paired, and delivery of stanzas to companion devices (queued while they are offline).
 */
export class World {
  private readonly phones = new Map<string, SimPhone>();
  private readonly phonesByLid = new Map<string, SimPhone>();
  private readonly groups = new Map<string, SimGroup>();
  private readonly registrations = new Map<string, PendingRegistration>();
  private readonly codeRegistrations = new Map<string, CodeRegistration>();
  private readonly events = new EventEmitter();
  /** Which companion device sent a message id, so receipts can find their way back. */
  private readonly origins = new Map<string, CompanionDevice>();

  constructor(
    readonly media: MediaServer,
    /** Where failures while handling clients are reported (see `WaSim.errors`). */
    readonly reportError: (error: unknown) => void = () => {},
  ) {}

  /** Returns the phone with this number, creating it on first use. */
  phone(number: string, options: PhoneOptions = {}): SimPhone {
    const digits = number.replace(/^\+/, '').split('@')[0] ?? '';
    if (!NUMBER.test(digits)) {
      throw new ValidationError(`"${number}" is not a phone number`, 'number');
    }
    let phone = this.phones.get(digits);
    if (!phone) {
      let lid: string;
      do {
        lid = String(randomInt(100_000_000, 999_999_999)) + String(randomInt(100_000, 999_999));
      } while (this.phonesByLid.has(lid));
      phone = new SimPhone(this, digits, lid, options.name ?? `Sim ${digits}`);
      this.phones.set(digits, phone);
      this.phonesByLid.set(lid, phone);
    } else if (options.name) {
      phone.name = options.name;
    }
    return phone;
  }

  /** The phone a user JID (PN or LID, any device) belongs to, if it exists. */
  findPhone(jid: string): SimPhone | undefined {
    const { user, server } = userPart(jid.includes('@') ? jid : `${jid.replace(/^\+/, '')}@s.whatsapp.net`);
    return server === 'lid' ? this.phonesByLid.get(user) : this.phones.get(user);
  }

  requirePhone(jid: string): SimPhone {
    const phone = this.findPhone(jid);
    if (!phone) {
      throw new NotFoundError('phone', jid);
    }
    return phone;
  }

  /** The phone and device a device JID names. */
  resolveDevice(jid: string): ResolvedDevice | undefined {
    const phone = this.findPhone(jid);
    return phone ? { phone, device: userPart(jid).device } : undefined;
  }

  /** Creates a group with the given subject and members (the first member is its creator). */
  createGroup(subject: string, members: SimPhone[]): SimGroup {
    const [creator] = members;
    if (!creator) {
      throw new ValidationError('a group needs at least one member', 'members');
    }
    const jid = `120363${randomInt(100_000_000, 999_999_999)}${randomInt(100_000, 999_999)}@g.us`;
    const group: SimGroup = {
      jid,
      subject,
      creation: Math.floor(Date.now() / 1000),
      creator,
      members: [...members],
    };
    this.groups.set(jid, group);
    return group;
  }

  findGroup(jid: string): SimGroup | undefined {
    return this.groups.get(jid);
  }

  /** Groups a phone belongs to. */
  groupsOf(phone: SimPhone): SimGroup[] {
    return [...this.groups.values()].filter((g) => g.members.includes(phone));
  }

  /** Remembers a client waiting for a QR scan under each of its refs. */
  addRegistration(registration: PendingRegistration): void {
    for (const ref of registration.refs) {
      this.registrations.set(ref, registration);
    }
  }

  removeRegistration(registration: PendingRegistration): void {
    for (const ref of registration.refs) {
      this.registrations.delete(ref);
    }
  }

  /** Links the client showing `qr` to `phone` (see `SimPhone.scan`). */
  async pair(phone: SimPhone, qr: string): Promise<LinkedDeviceInfo> {
    const parsed = parsePairingQr(qr);
    const registration = this.registrations.get(parsed.ref);
    if (!registration) {
      throw new NotFoundError('client showing QR code', parsed.ref);
    }
    this.removeRegistration(registration);
    const device = await completePairing(phone, registration, parsed);
    // The real server asks the freshly paired client to reconnect and log in.
    registration.link.streamError(515);
    return phone.describe(device);
  }

  /** Records that `device` sent message `id` (the oldest records are forgotten first). */
  recordOrigin(id: string, device: CompanionDevice): void {
    this.origins.set(id, device);
    if (this.origins.size > MAX_ORIGINS) {
      const oldest = this.origins.keys().next().value;
      if (oldest !== undefined) {
        this.origins.delete(oldest);
      }
    }
  }

  /** The companion device that sent message `id`, if it was sent by one. */
  originOf(id: string): CompanionDevice | undefined {
    return this.origins.get(id);
  }

  /** Remembers a client that asked for a pairing code for `number` (replacing an older request). */
  addCodeRegistration(pending: CodeRegistration): void {
    this.codeRegistrations.set(pending.number, pending);
    this.events.emit('code-registration', pending);
  }

  /** Hands a client's `companion_finish` to the phone waiting for it. */
  finishCodeRegistration(iq: BinaryNode): void {
    const ref = bytes(child(iq, 'link_code_companion_reg'), 'link_code_pairing_ref');
    for (const pending of this.codeRegistrations.values()) {
      if (ref?.equals(pending.ref)) {
        pending.finish?.(iq);
      }
    }
  }

  /** Links the client that requested a pairing code for this phone (see `SimPhone.enterPairingCode`). */
  async pairWithCode(phone: SimPhone, code: string): Promise<LinkedDeviceInfo> {
    // The code can be typed a moment before the client's request has been processed.
    const pending = await waitFor<CodeRegistration>(
      this.events,
      'code-registration',
      [...this.codeRegistrations.values()],
      (p) => p.number === phone.number,
      CODE_WAIT_MS,
      `a client requesting a pairing code for ${phone.number}`,
    ).catch(() => {
      throw new NotFoundError('client waiting for a pairing code for', phone.number);
    });
    const normalized = code.replace(/[-\s]/g, '').toUpperCase();
    const { notification, companionKey, ephemeral } = await primaryHello(phone, pending, normalized);
    const finished = new Promise<BinaryNode>((resolve) => {
      pending.finish = resolve;
    });
    pending.registration.link.send(notification);
    const finishIq = await finished;
    this.codeRegistrations.delete(phone.number);
    const secrets = readCompanionFinish(phone, pending.registration, finishIq, companionKey, ephemeral);
    this.removeRegistration(pending.registration);
    const device = await completePairing(phone, pending.registration, secrets);
    pending.registration.link.streamError(515);
    return phone.describe(device);
  }

  /**
   * Sends a stanza to a companion device now, or queues it until the device logs in. Messages
   * stay on record until the device acknowledges them, so a message lost with a dropping
   * socket is delivered again at the next login.
   */
  deliver(device: CompanionDevice, stanza: BinaryNode): void {
    if (stanza.tag === 'message' && stanza.attrs.id) {
      device.unacked.set(stanza.attrs.id, stanza);
    }
    if (device.link) {
      device.link.send(stanza);
    } else {
      device.pending.push(stanza);
    }
  }

  /** Sends a receipt from `reader` for `message` to the companion device that sent it. */
  sendReceipt(reader: SimPhone, message: SimMessage, type: 'delivery' | 'read'): void {
    const source = this.resolveDevice(message.fromDevice);
    const device = source && source.device !== 0 ? source.phone.companions.get(source.device) : undefined;
    if (!device) {
      return;
    }
    const isGroup = message.chat.endsWith('@g.us');
    const attrs: Record<string, string> = { id: message.id, t: unixNow() };
    if (isGroup) {
      attrs.from = message.chat;
      attrs.participant = reader.jid;
    } else {
      attrs.from = reader.jid;
    }
    if (type === 'read') {
      attrs.type = 'read';
    }
    this.deliver(device, node('receipt', attrs));
  }
}
