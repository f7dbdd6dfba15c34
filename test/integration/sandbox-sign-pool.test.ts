// The sandbox's signing pool (`sandbox serve --sign-workers`): answers signed off the event loop (Node's thread pool)
// verify exactly like those signed on it, 204s and faults included; signs past the pool's size wait their turn.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyStore, loadPublicKey, parseCertificate } from '../../src/protocol/keys.js';
import { verifySignature } from '../../src/protocol/verify.js';
import { createSignPool } from '../../src/sandbox/sign-pool.js';
import { loadSandboxKeys } from '../../src/sandbox/keyset.js';
import { signMessage } from '../../src/protocol/sign.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

describe('sandbox with signing workers', () => {
  let t: TestSandbox;
  let keys: ReturnType<typeof createKeyStore>;
  beforeAll(async () => {
    const init = await sandboxKeySet('mixed');
    t = await startTestSandbox(init, { signWorkers: 2, mode: 'mixed' });
    keys = createKeyStore([
      [init.platformSerial, parseCertificate(readFileSync(init.platformCertPath)).publicKey],
      [init.publicKeyId, loadPublicKey(readFileSync(init.publicKeyPath))],
    ]);
  });
  afterAll(() => t.sb.close());

  const verified = (r: { status: number; headers: Record<string, string>; body: Buffer }) =>
    verifySignature({ headers: r.headers, body: r.body, keys, now: Math.floor(Date.now() / 1000) });

  it('signs 200 and 204 answers that verify, concurrently, with either key', async () => {
    const nos = Array.from({ length: 24 }, () => uniqueNo('SP'));
    const answers = await Promise.all(
      nos.map((no) => t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no))),
    );
    const serials = new Set<string>();
    for (const r of answers) {
      expect(r.status).toBe(200);
      serials.add(verified(r).serial);
    }
    expect(serials.size).toBe(2);
    const closed = await t.call('POST', `/v3/pay/transactions/out-trade-no/${nos[0]}/close`, { mchid: t.init.mchid });
    expect(closed.status).toBe(204);
    expect(verified(closed).serial).toMatch(/./);
  });

  it('late signature faults still apply on top of a worker signature', async () => {
    await t.admin('POST', '/sandbox/faults', { faults: [{ kind: 'tamper', count: 1 }] });
    const r = await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, uniqueNo('SQ')));
    expect(r.status).toBe(200);
    expect(() => verified(r)).toThrow(expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }));
  });
});

describe('createSignPool', () => {
  it('gives byte-for-byte the signature of core signMessage, and rejects after close', async () => {
    const k = await loadSandboxKeys((await sandboxKeySet('cert')).dir);
    const pool = createSignPool(2);
    const message = Buffer.from('1700000000\nnonce\n{"a":1}\n');
    const key = k.platform[0]!.privateKey;
    expect(await pool.sign(key, message)).toBe(signMessage(key, message));
    expect(await Promise.all([pool.sign(key, message), pool.sign(k.publicKeyPrivate, message)])).toEqual([
      signMessage(key, message),
      signMessage(k.publicKeyPrivate, message),
    ]);
    await pool.close();
    await expect(pool.sign(key, message)).rejects.toThrow(/closed/);
  });

  it('signs more messages than its size, each with its own signature, and close() rejects the queued ones', async () => {
    const k = await loadSandboxKeys((await sandboxKeySet('cert')).dir);
    const key = k.platform[0]!.privateKey;
    const pool = createSignPool(1);
    const messages = Array.from({ length: 6 }, (_, i) => Buffer.from(`1700000000\nnonce${i}\n{"i":${i}}\n`));
    expect(await Promise.all(messages.map((m) => pool.sign(key, m)))).toEqual(messages.map((m) => signMessage(key, m)));
    const first = pool.sign(key, messages[0]!);
    const queued = pool.sign(key, messages[1]!);
    await pool.close();
    await expect(queued).rejects.toThrow(/closed/);
    expect(await first).toBe(signMessage(key, messages[0]!));
  });
});
