import { type InstanceInfo, type InstanceRecord, toLegacyJid } from '@wabot/core';

/** An instance as the reference shows it: the stored record without internal fields, in its key order. */
export function instanceView(record: InstanceRecord) {
  return {
    settings: record.settings,
    _id: record._id,
    user_id: record.user_id,
    session_id: record.session_id,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    __v: record.__v,
  };
}

/** The reference's instance status `data`. */
export function instanceStatus(info: InstanceInfo, qrcode?: string) {
  return {
    error: false as const,
    message: 'Instance fetched successfully',
    instance_data: {
      instance_key: info.instance_key,
      phone_connected: info.phone_connected,
      webhookUrl: info.webhookUrl,
      user: info.user,
      status: info.status,
      ...(qrcode === undefined ? {} : { qrcode }),
    },
  };
}

/**
 * The deprecated sendText answer: `true_<jid>_<message id>`, with the person's jid in the old
 * `@c.us` form (`2348179803743@c.us`); group jids are kept.
 */
export function legacySendId(remoteJid: string, id: string): string {
  return `true_${toLegacyJid(remoteJid)}_${id}`;
}

/** Drops the credentials and unset fields from a validated body before it reaches the manager. */
export function withoutCredentials<T extends Record<string, unknown>>(
  body: T,
): Omit<T, 'session_id' | 'access_token'> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'session_id' && key !== 'access_token' && value !== undefined) out[key] = value;
  }
  return out as Omit<T, 'session_id' | 'access_token'>;
}
