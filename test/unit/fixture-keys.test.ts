// The committed test-only keys (test/helpers/test-keys.ts) replace keygen in the suite. They must stay distinct
// within a file (a "wrong key" is really another key), and every one of them must be registered with the secrets
// scan by the global set-up, so output that leaks one fails the run like a generated key would.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { keySet } from '../helpers/fixtures.js';
import { fixtureKeyFiles } from '../helpers/paths.js';
import { needlesOf } from '../helpers/secrets-scan.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

const spki = (k: { publicKey: import('node:crypto').KeyObject }) =>
  k.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

describe('test-only fixture keys', () => {
  it('every call in a file gets another key, and keySet names never share one with them', () => {
    const named = [keySet('fixture-a'), keySet('fixture-b'), keySet('fixture-a')];
    const raw = [nextTestKeyPair(), nextTestKeyPair(), nextTestKeyPair()];
    expect(named[2]).toBe(named[0]);
    expect(new Set([...named.slice(0, 2), ...raw].map(spki)).size).toBe(5);
    expect(raw[0]!.privateKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 });
  });

  it('the global set-up registers every fixture key with the secrets scan', () => {
    const registered = readFileSync(path.join(inject('artifactsDir'), 'secrets.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { secret: string }).secret);
    const files = fixtureKeyFiles();
    expect(files.length).toBeGreaterThanOrEqual(16);
    for (const f of files) {
      const pem = readFileSync(f, 'utf8').trim();
      expect(path.basename(f)).toMatch(/^test-only-rsa2048-\d\d\.key\.pem$/);
      expect(registered).toContain(pem);
      expect(needlesOf(pem).length).toBeGreaterThan(20);
    }
  });
});
