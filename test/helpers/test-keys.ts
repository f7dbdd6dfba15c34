// RSA key pairs for tests, without keygen. A 2048-bit keygen costs 50-300 ms of CPU, and the suite needed
// hundreds of them (many at import time, so even `vitest list` paid). The keys in test/fixtures/keys/ are
// TEST-ONLY: generated for this suite, never used anywhere else. Within one test file every call hands out a
// different key, so a "wrong key" in a test is always really another key; each test file starts again at the
// first key (also where vitest runs files in one shared module graph). Past the last key it falls back to keygen.
// The global setup registers every fixture key with the secrets scan, so a leak of one is caught like any other.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { fixtureKeyFiles } from './paths.js';

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The test file running now: per-file state is keyed by it. */
export const currentTestFile = (): string => expect.getState().testPath ?? '';

let scope = '';
let next = 0;

/** The next unused test key pair of this test file (a fixture key, or a generated one once they run out). */
export function nextTestKeyPair(): TestKeyPair {
  if (currentTestFile() !== scope) {
    scope = currentTestFile();
    next = 0;
  }
  const file = fixtureKeyFiles()[next++];
  if (!file) return generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = createPrivateKey(readFileSync(file));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The same, in the shape of an async keygen (the sandbox's `newRsaKeyPair` option). */
export const nextTestKeyPairAsync = async (): Promise<TestKeyPair> => nextTestKeyPair();
