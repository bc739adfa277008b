import { randomBytes } from 'node:crypto';
import { type BinaryNode, decodeBinaryNode, encodeBinaryNode, type proto } from '@whiskeysockets/baileys';
import type { WebSocket } from 'ws';
import { ProtocolError } from './errors.js';
import { encodeFrame, FrameReader } from './frame-codec.js';
import { handleClientMessage, handleClientReceipt, type Sender } from './inbound.js';
import { answerIq } from './iq-handlers.js';
import type { ClientLink, CompanionDevice } from './model.js';
import { iqResult, node, readUIntBE, unixNow } from './nodes.js';
import { NoiseServerHandshake, type NoiseTransport } from './noise-server.js';
import { newQrRefs, type PendingRegistration, pairDeviceOffer } from './pairing.js';
import { readCompanionHello } from './pairing-code.js';
import type { World } from './world.js';

/** Settings shared by every connection of one simulator. */
export interface ConnectionContext {
  world: World;
  staticKeyPair: ConstructorParameters<typeof NoiseServerHandshake>[0];
  certChain: Uint8Array;
  /** Delay before answering each iq, to simulate a slow server. */
  responseDelayMs(): number;
  reportError(error: unknown): void;
}

const QUERY_TIMEOUT_MS = 20_000;

/**
 * One WebSocket from a WhatsApp Web client: the Noise handshake, then encrypted binary nodes.
 * After the handshake the client is either registering (shown QR codes) or logged in as a
 * companion device; stanzas are processed strictly in arrival order.
 */
export class ClientConnection implements ClientLink {
  private readonly reader = new FrameReader();
  private handshake: NoiseServerHandshake | undefined;
  private transport: NoiseTransport | undefined;
  private sender: Sender | undefined;
  private registration: PendingRegistration | undefined;
  private queue: Promise<void> = Promise.resolve();
  private queryCounter = 0;
  private readonly pendingQueries = new Map<
    string,
    { resolve(node: BinaryNode): void; reject(e: Error): void }
  >();
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly context: ConnectionContext,
  ) {
    ws.on('message', (data: Buffer) => this.onData(data));
    ws.on('close', () => this.onClose());
    ws.on('error', (error) => context.reportError(error));
  }

  /** The companion device this connection is logged in as, if any. */
  get device(): CompanionDevice | undefined {
    return this.sender?.device;
  }

  send(stanza: BinaryNode): void {
    if (this.closed || !this.transport) {
      return;
    }
    this.ws.send(encodeFrame(this.transport.encrypt(encodeBinaryNode(stanza))));
  }

  streamError(code: number, reason?: BinaryNode): void {
    this.send(node('stream:error', { code: String(code) }, reason ? [reason] : undefined));
    this.close();
  }

  /** Closes the socket without a stream error, like a network drop. */
  close(): void {
    if (!this.closed) {
      this.ws.close();
      this.onClose();
    }
  }

  /** Sends an iq to the client and resolves with its result. */
  query(iq: BinaryNode): Promise<BinaryNode> {
    const id = `sim-${++this.queryCounter}`;
    return new Promise<BinaryNode>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingQueries.delete(id);
        reject(new ProtocolError(`client did not answer iq ${id}`));
      }, QUERY_TIMEOUT_MS);
      this.pendingQueries.set(id, {
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.send({ ...iq, attrs: { ...iq.attrs, id } });
    });
  }

  private onData(data: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.reader.push(data);
    } catch (error) {
      this.fail(error);
      return;
    }
    for (const frame of frames) {
      this.queue = this.queue.then(() => this.onFrame(frame)).catch((error) => this.fail(error));
    }
  }

  private fail(error: unknown): void {
    this.context.reportError(error);
    this.close();
  }

  private async onFrame(frame: Buffer): Promise<void> {
    if (this.closed) {
      return;
    }
    if (!this.handshake) {
      this.handshake = new NoiseServerHandshake(this.context.staticKeyPair, this.context.certChain);
      this.ws.send(encodeFrame(this.handshake.respondToHello(frame)));
      return;
    }
    if (!this.transport) {
      const result = this.handshake.finish(frame);
      this.transport = result.transport;
      this.start(result.clientStaticKey, result.payload);
      return;
    }
    const stanza = await decodeBinaryNode(this.transport.decrypt(frame));
    await this.route(stanza);
  }

  private start(noiseKey: Buffer, payload: proto.ClientPayload): void {
    const pairing = payload.devicePairingData;
    if (payload.username != null) {
      this.login(noiseKey, String(payload.username), payload.device ?? 0);
    } else if (pairing) {
      this.register(noiseKey, pairing);
    } else {
      throw new ProtocolError('client payload has neither login nor registration data');
    }
  }

  private register(noiseKey: Buffer, pairing: proto.ClientPayload.IDevicePairingRegistrationData): void {
    const registrationId = readUIntBE(pairing.eRegid ?? undefined);
    const keyId = readUIntBE(pairing.eSkeyId ?? undefined);
    if (
      registrationId === undefined ||
      keyId === undefined ||
      !pairing.eIdent ||
      !pairing.eSkeyVal ||
      !pairing.eSkeySig
    ) {
      throw new ProtocolError('registration payload is missing key material');
    }
    const refs = newQrRefs();
    this.registration = {
      refs,
      noiseKey,
      bundle: {
        registrationId,
        identityKey: Buffer.from(pairing.eIdent),
        signedPreKey: {
          keyId,
          publicKey: Buffer.from(pairing.eSkeyVal),
          signature: Buffer.from(pairing.eSkeySig),
        },
      },
      link: this,
      query: (iq) => this.query(iq),
    };
    this.context.world.addRegistration(this.registration);
    this.send(pairDeviceOffer(`sim-offer-${Date.now()}`, refs));
  }

  private login(noiseKey: Buffer, number: string, deviceId: number): void {
    const phone = this.context.world.findPhone(number);
    const device = phone?.companions.get(deviceId);
    if (!phone || !device?.noiseKey.equals(noiseKey)) {
      this.send(node('failure', { reason: '401', location: 'sim' }));
      this.close();
      return;
    }
    if (device.link && device.link !== this) {
      device.link.streamError(440, node('conflict', { type: 'replaced' }));
    }
    device.link = this;
    this.sender = { phone, device };
    this.send(node('success', { t: unixNow(), lid: `${phone.lid}:${deviceId}@lid`, location: 'sim' }));
    // Unacknowledged messages include everything queued while offline, in sending order.
    const pending = [...device.unacked.values()];
    const others = device.pending.splice(0).filter((stanza) => stanza.tag !== 'message');
    for (const stanza of [...pending, ...others]) {
      this.send(stanza);
    }
    this.send(node('ib', {}, [node('offline', { count: String(pending.length) })]));
  }

  private async route(stanza: BinaryNode): Promise<void> {
    const { tag, attrs } = stanza;
    if (tag === 'iq' && (attrs.type === 'result' || attrs.type === 'error')) {
      const pending = this.pendingQueries.get(attrs.id ?? '');
      this.pendingQueries.delete(attrs.id ?? '');
      pending?.resolve(stanza);
      return;
    }
    const sender = this.sender;
    if (tag === 'iq' && !sender) {
      this.answerRegistrationIq(stanza);
      return;
    }
    if (tag === 'iq' && sender) {
      const answer = answerIq(this.context.world, sender, stanza);
      await this.delayed(() => this.send(answer));
      return;
    }
    if (!sender) {
      return;
    }
    if (tag === 'message') {
      await handleClientMessage(this.context.world, sender, stanza).catch((error) => {
        this.context.reportError(error);
        this.send(node('ack', { class: 'message', id: attrs.id ?? '', from: attrs.to ?? '', error: '500' }));
      });
    } else if (tag === 'receipt') {
      await handleClientReceipt(this.context.world, sender, stanza).catch((error) =>
        this.context.reportError(error),
      );
    } else if (tag === 'ack' && attrs.class === 'message') {
      sender.device.unacked.delete(attrs.id ?? '');
    }
  }

  /** Iqs before login: pairing-code steps get their answers, anything else an empty result. */
  private answerRegistrationIq(iq: BinaryNode): void {
    const hello = readCompanionHello(iq);
    const registration = this.registration;
    if (hello && registration) {
      const ref = Buffer.from(randomBytes(16).toString('hex'));
      this.context.world.addCodeRegistration({ registration, ref, ...hello });
      this.send(
        iqResult(iq, [node('link_code_companion_reg', {}, [node('link_code_pairing_ref', {}, ref)])]),
      );
      return;
    }
    this.send(iqResult(iq));
    if (iq.attrs.xmlns === 'md') {
      this.context.world.finishCodeRegistration(iq);
    }
  }

  private async delayed(action: () => void): Promise<void> {
    const delay = this.context.responseDelayMs();
    if (delay > 0) {
      setTimeout(action, delay);
    } else {
      action();
    }
  }

  private onClose(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    if (this.registration) {
      this.context.world.removeRegistration(this.registration);
    }
    if (this.sender?.device.link === this) {
      this.sender.device.link = undefined;
    }
    for (const pending of this.pendingQueries.values()) {
      pending.reject(new ProtocolError('connection closed'));
    }
    this.pendingQueries.clear();
  }
}
