// RSA key pairs for tests, without keygen. A 2048-bit keygen costs 50-300 ms of CPU, and the suite needed
// hundreds of them (many at import time, so even `vitest list` paid). The keys in test/fixtures/keys/ are
// TEST-ONLY: generated for this suite, never used anywhere else. Within one test file every call hands out a
// different key (vitest runs each file in a fresh module graph, so files start again at the first key), so a
// "wrong key" in a test is always really another key. Past the last file it falls back to real keygen.
// The global setup registers every fixture key with the secrets scan, so a leak of one is caught like any other.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const fixtureKeysDir = path.join(repoRoot, 'test', 'fixtures', 'keys');

/** Every fixture key file (PKCS#8 PEM), in a stable order. */
export const fixtureKeyFiles = (): string[] =>
  readdirSync(fixtureKeysDir).filter((n) => n.endsWith('.key.pem')).sort().map((n) => path.join(fixtureKeysDir, n));

let next = 0;

/** The next unused test key pair of this test file (a fixture key, or a generated one once they run out). */
export function nextTestKeyPair(): TestKeyPair {
  const file = fixtureKeyFiles()[next++];
  if (!file) return generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = createPrivateKey(readFileSync(file));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The same, in the shape of an async keygen (the sandbox's `newRsaKeyPair` option). */
export const nextTestKeyPairAsync = async (): Promise<TestKeyPair> => nextTestKeyPair();
