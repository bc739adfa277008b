import { z } from '@hono/zod-openapi';

// Shared field schemas. Form and multipart bodies carry every value as a string, so booleans and
// numbers also accept their string spellings (the reference sends lat/lng as strings).

/** `true`/`false`, or the strings "true"/"false" from a form. */
export const boolish = z
  .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
    error: 'must be true or false',
  })
  .openapi({ type: 'boolean' });

/** A number, or a decimal number written as a string. */
export function numberish(min: number, max: number) {
  return z
    .union(
      [
        z.number(),
        z
          .string()
          .trim()
          .regex(/^-?\d+(\.\d+)?$/, 'must be a number')
          .transform(Number),
      ],
      {
        error: 'must be a number',
      },
    )
    .pipe(z.number().min(min).max(max))
    .openapi({ anyOf: [{ type: 'number' }, { type: 'string' }], example: '6.556452' });
}

/** A short required text. */
export function text(max: number) {
  return z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
}

/** An optional text that may be empty. */
export function optionalText(max: number) {
  return z.string().max(max, `must be at most ${max} characters`).optional();
}

/** A record id (instance, intent, contact, attachment...). */
export const id = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .openapi({ example: '61a7bd6ea34282366c025764' });

/** A chat: a phone number in international form or a jid; core normalises and checks it further. */
export const chatId = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .openapi({ example: '2349048988056' });

/** An http(s) URL. */
export const httpUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL')
  .openapi({ format: 'uri', example: 'https://example.com/hook' });

/** A phone number: digits, optionally with a leading +. */
export const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{4,29}$/, 'must be a phone number (digits, optionally with a leading +)')
  .openapi({ example: '919999999999' });

/** A file part of a multipart body. */
export const upload = z
  .custom<File>((v) => typeof File !== 'undefined' && v instanceof File, {
    error: 'must be a file upload (multipart/form-data)',
  })
  .openapi({ type: 'string', format: 'binary' });

/** A list of ids; a form sends one id as a plain string, so a single string is accepted too. */
export function idList(max: number) {
  return z
    .preprocess(
      (v) => (typeof v === 'string' ? [v] : v),
      z.array(id).max(max, `must have at most ${max} items`),
    )
    .openapi({ type: 'array', items: { type: 'string' } });
}

/** `session_id` + `access_token`, accepted in the query or the body of every instance route. */
export const credentials = {
  session_id: z.string().max(200).optional().openapi({ example: '2ad8-07c9-447b-994d-eb8b' }),
  access_token: z.string().max(200).optional().openapi({ example: '0184-28a5-439a-a1cd-fc6f' }),
};

export const CredentialsQuery = z.object(credentials);
