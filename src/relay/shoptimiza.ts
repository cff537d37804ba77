// Shoptimiza behind the relay (seeds/004_037bf42be56d43f5.txt; notes/vendors.md): the digests of the
// X-Shoptimiza-Auth header, from node:crypto.
import { createHash, createHmac } from 'node:crypto';
import type { ShoptimizaDigests } from '../vendors/shoptimiza';

export const nodeDigests: ShoptimizaDigests = {
  hmacSha256: (secret, message) => createHmac('sha256', secret).update(message, 'utf8').digest('base64'),
};

/** base64 of the SHA-1 of a body, as POST and PUT sign it. */
export const sha1Base64 = (body: string | Uint8Array): string => createHash('sha1').update(body).digest('base64');
