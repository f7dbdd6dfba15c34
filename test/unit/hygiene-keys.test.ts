// Secrets hygiene (issue 9): the merchant private key and the APIv3 key are read once into KeyObjects and never
// kept as strings. (1) Only protocol/keys.ts and protocol/aead.ts create key objects from bytes. (2) What the CLI builds
// for a command (profile -> merchant, verifier keys, APIv3 key -> client) holds KeyObjects, and no string
// reachable from it holds key material. (3) A heap snapshot of a process that built such a client (then dropped
// everything but the client) holds no string with a slice of the private key or the APIv3 key.
// `config check` warning on a 0644 key file is covered by test/e2e/foundation-config.test.ts and doctor.test.ts.
import { execFileSync } from 'node:child_process';
import { KeyObject } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../src/command-kit/client-context.js';
import type { Runtime } from '../../src/runtime.js';
import { cleanEnv } from '../helpers/clean-env.js';
import { keySet } from '../helpers/fixtures.js';
import { repoRoot } from '../helpers/paths.js';
import { needlesOf } from '../helpers/secrets-scan.js';
import { trackSecret } from '../helpers/secrets.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const APIV3 = 'Hyg1eneKeysApiV3Key0123456789xyz';
trackSecret('hygiene APIv3 key', APIV3);
const merchant = keySet('hygiene merchant', { cn: '1900007291' });
const wechat = keySet('hygiene wechatpay');
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-hygiene-keys-'));
afterAll(() => removeTemp(dir));
const write = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  chmodSync(path.join(dir, name), 0o600);
};
write('apiclient_key.pem', merchant.privateKeyPem);
write('apiclient_cert.pem', merchant.certPem);
write('pub_key.pem', wechat.publicKeyPem);
write('apiv3.key', `${APIV3}\n`);
write(
  '.wxpayrc.json',
  JSON.stringify({
    mchid: '1900007291',
    privateKeyPath: './apiclient_key.pem',
    merchantCertPath: './apiclient_cert.pem',
    apiV3Key: 'file:./apiv3.key',
    publicKeyId: 'PUB_KEY_ID_0000000000000024101100397200000006',
    publicKeyPath: './pub_key.pem',
    baseUrl: 'http://127.0.0.1:9',
  }),
);
const needles = [...needlesOf(merchant.privateKeyPem), APIV3];

/** Every string and KeyObject reachable through own properties, arrays, Maps and Sets (functions are opaque). */
function reachable(root: unknown): { strings: string[]; keyObjects: KeyObject[] } {
  const seen = new Set<unknown>();
  const out = { strings: [] as string[], keyObjects: [] as KeyObject[] };
  const visit = (v: unknown): void => {
    if (typeof v === 'string') return void out.strings.push(v);
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof KeyObject) return void out.keyObjects.push(v);
    if (Buffer.isBuffer(v)) return void out.strings.push(v.toString('latin1'));
    if (v instanceof Map) {
      v.forEach((val, k) => {
        visit(k);
        visit(val);
      });
      return;
    }
    if (v instanceof Set) {
      v.forEach(visit);
      return;
    }
    for (const k of Reflect.ownKeys(v)) visit((v as Record<string | symbol, unknown>)[k]);
  };
  visit(root);
  return out;
}

const srcFiles = (d: string): string[] =>
  readdirSync(d).flatMap((n) =>
    statSync(path.join(d, n)).isDirectory() ? srcFiles(path.join(d, n)) : [path.join(d, n)],
  );

describe('keys are KeyObjects, never strings', () => {
  it('only protocol/keys.ts and protocol/aead.ts turn bytes into key objects', () => {
    const makers = srcFiles(path.join(repoRoot, 'src'))
      .filter((f) => /createPrivateKey|createSecretKey/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(repoRoot, f));
    expect(makers.sort()).toEqual(['src/protocol/aead.ts', 'src/protocol/keys.ts']);
  });

  it('the client a command builds holds KeyObjects and no key material as a string', async () => {
    const rt = {
      env: {},
      cwd: dir,
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      now: () => Date.now(),
      onSignal: () => () => undefined,
    } as Runtime;
    const built = await buildClient({ args: [], opts: {}, rt }, { requireApiV3Key: true });
    expect(built.client.merchant.privateKey).toBeInstanceOf(KeyObject);
    expect(built.client.merchant.privateKey.type).toBe('private');
    expect(built.apiV3Key).toBeInstanceOf(KeyObject);
    expect(built.apiV3Key!.type).toBe('secret');
    const { strings, keyObjects } = reachable({ ...built, keys: built.client.keys() });
    expect(keyObjects.length).toBeGreaterThanOrEqual(3);
    expect(strings.filter((s) => needles.some((n) => s.includes(n)))).toEqual([]);
  });

  it('a heap snapshot after building the client holds neither key as a string', () => {
    const script = `
      import { writeHeapSnapshot } from 'node:v8';
      import { PassThrough } from 'node:stream';
      const { buildClient } = await import(${JSON.stringify(path.join(repoRoot, 'dist/command-kit/client-context.js'))});
      const rt = { env: {}, cwd: ${JSON.stringify(dir)}, stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), now: () => Date.now(), onSignal: () => () => undefined };
      globalThis.kept = await buildClient({ args: [], opts: {}, rt }, { requireApiV3Key: true });
      await new Promise((r) => setTimeout(r, 10));
      /x/.exec('flush the last-match cache of the RegExp engine');
      process.stdout.write(writeHeapSnapshot(${JSON.stringify(path.join(dir, 'heap.heapsnapshot'))}));
    `;
    const file = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      encoding: 'utf8',
      env: cleanEnv(),
    });
    // Only the strings are read: its last field, parsed alone (the node and edge arrays before it are most of the
    // ~10 MB). In JSON text an unescaped `"strings":[` can only be that key.
    const text = readFileSync(file, 'utf8');
    removeTemp(file);
    const at = text.indexOf('"strings":[');
    expect(at).toBeGreaterThan(0);
    const snapshot = JSON.parse(`{${text.slice(at)}`) as { strings: string[] };
    expect(snapshot.strings.length).toBeGreaterThan(1000);
    expect(snapshot.strings.filter((s) => needles.some((n) => s.includes(n))).map((s) => s.slice(0, 60))).toEqual([]);
    // A heap snapshot is a whole-heap walk: seconds on a loaded 2-core machine.
  }, 90_000);
});
