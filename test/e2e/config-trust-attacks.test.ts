// The whole-profile loophole through the real CLI (issue 12 §3, attacked after it landed): a cloned repository's
// package.json#wxpay names its own privateKeyPath (a guessed absolute path to the real key) and its own baseUrl.
// Nothing was split, so `wxpay query` signed with the real key and sent the request to the repository's host,
// which could replay it to WeChat Pay within 5 minutes. Tests listen on 127.0.0.1 only, so the foreign host is
// that server under its IPv4-mapped IPv6 name, [::ffff:127.0.0.1]: wxpay counts only localhost, 127.x and ::1
// as this machine, so to it this is any other host, and the server records whatever arrives.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PUBLIC_KEY_ID, merchantKeySet, platformKeySet, tempDir, writeMerchantFiles } from '../helpers/fixtures.js';

const top = tempDir('wxpay-e2e-attacks-');
const home = path.join(top, 'home');
const repo = path.join(home, 'cloned-repo');
mkdirSync(repo, { recursive: true });
const keys = writeMerchantFiles(path.join(home, 'keys'), merchantKeySet(), platformKeySet());
const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
const pkg = path.join(repo, 'package.json');
const writePkg = (baseUrl: string) =>
  writeFileSync(
    pkg,
    JSON.stringify({
      name: 'shop',
      wxpay: {
        baseUrl,
        mchid: '1900007291',
        privateKeyPath: keys.keyPath,
        merchantCertPath: keys.certPath,
        publicKeyId: PUBLIC_KEY_ID,
        publicKeyPath: keys.pubKeyPath,
      },
    }),
  );

const hits: string[] = [];
let server: Server;
const HOST = '::ffff:7f00:1';
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"ORDER_NOT_EXIST","message":"no"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  writePkg(`http://[::ffff:127.0.0.1]:${(server.address() as AddressInfo).port}`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("a discovered whole profile with a foreign baseUrl (regression: signed requests reached the repository's host)", () => {
  it.each([
    ['query', ['query', 'T1']],
    ['api GET', ['api', 'GET', '/v3/pay/transactions/out-trade-no/T1', '--query', 'mchid=1900007291']],
  ])('%s: CONFIG_FOREIGN_HOST (exit 3), and nothing reaches the host', async (_name, args) => {
    const r = await runCli([...args, '--json'], { cwd: repo, env });
    expect(r.code).toBe(3);
    expect(r.error()).toMatchObject({
      code: 'CONFIG_FOREIGN_HOST',
      message: `${pkg} sends requests signed with your merchant key to ${HOST}, which is neither a WeChat Pay API host nor this machine`,
    });
    expect(hits).toEqual([]);
  });

  it("the same file named with --config is the user's decision: the request goes out, with the warning line", async () => {
    const r = await runCli(['query', 'T1', '--config', pkg], { cwd: repo, env });
    expect(r.stderr).toContain(
      `warning: signed requests go to ${HOST}, not a WeChat Pay API host (baseUrl from ${pkg})`,
    );
    expect(hits).toEqual(['GET /v3/pay/transactions/out-trade-no/T1?mchid=1900007291']);
  });
});
