// docs/protocol.md §1 and §4: the two nonces. A request or answer signature's nonce is free text (wxpay sends 32
// upper-case hex, the doc example's shape); the AEAD nonce of an encrypted resource is 12 characters (12 bytes).
import { randomBytes, randomFillSync } from 'node:crypto';

/** 32 upper-case hex characters, the doc example's shape. */
export const newNonce = (): string => randomBytes(16).toString('hex').toUpperCase();

/** Nonces the sandbox's answers take per refill of its buffer. */
const NONCES_PER_FILL = 64;

/**
 * newNonce for a server that signs thousands of answers a second: the same 32 upper-case hex characters, from
 * CSPRNG bytes drawn 64 nonces at a time. Each call of randomBytes is a native crypto job (and an OpenSSL fork
 * check); issue 19's profile of the sandbox's event loop put one per answer at ~4% of it. Every byte is used once.
 */
export function createNonceSource(): () => string {
  const pool = Buffer.alloc(16 * NONCES_PER_FILL);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    next += 16;
    return pool.toString('hex', next - 16, next).toUpperCase();
  };
}

/** 12 URL-safe characters: the nonce of an AEAD_AES_256_GCM resource (certificates, notifications). */
export const newResourceNonce = (): string => randomBytes(9).toString('base64url');
