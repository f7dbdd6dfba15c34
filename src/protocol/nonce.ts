// docs/protocol.md §1 and §4: the two nonces. A request or answer signature's nonce is free text (wxpay sends 32
// upper-case hex, the doc example's shape); the AEAD nonce of an encrypted resource is 12 characters (12 bytes).
import { randomBytes } from 'node:crypto';

/** 32 upper-case hex characters, the doc example's shape. */
export const newNonce = (): string => randomBytes(16).toString('hex').toUpperCase();

/** 12 URL-safe characters: the nonce of an AEAD_AES_256_GCM resource (certificates, notifications). */
export const newResourceNonce = (): string => randomBytes(9).toString('base64url');
