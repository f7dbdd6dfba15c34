// Which key pairs `wxpay demo`'s first step makes: a throwaway pubkey demo skips the platform certificate (one RSA
// keygen less; none of its steps uses one), a kept folder (--keep) is a whole key set for `sandbox serve` by hand.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initKeys, newWorld } from '../../src/demo/env.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { nextTestKeyPairAsync } from '../helpers/test-keys.js';

async function keysMade(kept: boolean, mode: 'pubkey' | 'cert') {
  const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-demokeys-'));
  let keygens = 0;
  try {
    const world = newWorld(dir, { kept, newRsaKeyPair: () => (keygens++, nextTestKeyPairAsync()) });
    const init = await initKeys(world, mode);
    return { keygens, platformCert: init.platformCertPath !== '' && existsSync(init.platformCertPath) };
  } finally {
    removeTemp(dir);
  }
}

describe('wxpay demo: the keys of step 1', () => {
  it('throwaway pubkey: merchant and public key only; kept pubkey, and cert either way: all three', async () => {
    expect(await keysMade(false, 'pubkey')).toEqual({ keygens: 2, platformCert: false });
    expect(await keysMade(true, 'pubkey')).toEqual({ keygens: 3, platformCert: true });
    expect(await keysMade(false, 'cert')).toEqual({ keygens: 3, platformCert: true });
  });
});
