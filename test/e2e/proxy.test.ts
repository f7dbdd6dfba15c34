// Regression (proxy-ignored, issue 14): with HTTPS_PROXY/HTTP_PROXY set, requests still went straight out, which
// fails on CI networks that only reach the internet through a proxy. A local CONNECT proxy records each tunnel and
// forwards it to a local stand-in for WeChat Pay (a 404 ORDER_NOT_EXIST for every call). The upstream is named
// `wxpay-upstream.test`, which only the proxy can resolve: a request that skipped the proxy fails to connect (4).
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { removeTemp } from '../helpers/scan-written-files.js';

let dir: string;
let rc: string;
let upstream: Server;
let proxy: Server;
let upPort: number;
let proxyUrl: string;
let tunnels: Array<{ target: string; auth?: string }> = [];

const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-proxy-'));
  const init = await initTestSandbox({ dir, mode: 'pubkey' });
  trackSecretFile('proxy merchant key', init.privateKeyPath);
  trackSecretFile('proxy APIv3 key', init.apiV3KeyPath);
  rc = init.rcPath;
  upstream = createHttpServer((_req, res) => {
    res
      .writeHead(404, { 'content-type': 'application/json', 'request-id': 'PROXY-TEST-1' })
      .end('{"code":"ORDER_NOT_EXIST","message":"订单不存在"}');
  });
  upPort = await listen(upstream);
  proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, socket, head) => {
    tunnels.push({
      target: req.url ?? '',
      ...(req.headers['proxy-authorization'] ? { auth: req.headers['proxy-authorization'] } : {}),
    });
    const port = Number((req.url ?? '').split(':').pop());
    const out = connect(port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      out.write(head);
      out.pipe(socket).pipe(out);
    });
    out.on('error', () => socket.destroy());
    socket.on('error', () => out.destroy());
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterAll(async () => {
  proxy.closeAllConnections?.();
  upstream.closeAllConnections();
  await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => upstream.close(r))]);
  removeTemp(dir);
});

beforeEach(() => {
  tunnels = [];
});

const query = (baseUrl: string, env: Record<string, string>, ...extra: string[]) =>
  runCli(['--config', rc, '--base-url', baseUrl, ...extra, 'query', 'PROXY0000001'], {
    cwd: dir,
    env: { WXPAY_CONNECT_TIMEOUT_MS: '3000', ...env },
  });

describe('proxies from the environment', () => {
  it('HTTP_PROXY: the request goes through the proxy (CONNECT), and --verbose names it', async () => {
    const r = await query(`http://wxpay-upstream.test:${upPort}`, { HTTP_PROXY: proxyUrl }, '--verbose');
    expect(r.stderr).toContain('ORDER_NOT_EXIST');
    expect(r.code).toBe(5);
    expect(tunnels.map((t) => t.target)).toEqual([`wxpay-upstream.test:${upPort}`]);
    expect(r.stderr).toContain(`proxy: ${proxyUrl}/ (HTTP_PROXY) for http://wxpay-upstream.test:${upPort}`);
  });

  // The bundled CLI never loads undici's index (src/http/undici-lean.ts), while in-process runs share a worker with
  // files that do, and the index gives every dispatcher the `connect` the proxy's tunnel needs: only a real process
  // shows the lean loader does that itself (a8f025c broke every proxied request this way).
  it('the real bin/wxpay goes through the proxy too', async () => {
    const r = await spawnCli(
      ['--config', rc, '--base-url', `http://wxpay-upstream.test:${upPort}`, 'query', 'PROXY0000001'],
      {
        cwd: dir,
        env: { WXPAY_CONNECT_TIMEOUT_MS: '3000', HTTP_PROXY: proxyUrl },
      },
    );
    expect(r.stderr).toContain('ORDER_NOT_EXIST');
    expect(r.code).toBe(5);
    expect(tunnels.map((t) => t.target)).toEqual([`wxpay-upstream.test:${upPort}`]);
  });

  it('lower-case https_proxy is honoured for https targets too (the variable curl and most tools read)', async () => {
    const r = await query(`https://wxpay-upstream.test:${upPort}`, { https_proxy: proxyUrl }, '--verbose');
    // The tunnel is made; TLS then fails against the plain-HTTP stand-in, which is a network error (4).
    expect(tunnels.length).toBeGreaterThan(0); // a GET is retried, each attempt through the proxy
    expect(new Set(tunnels.map((t) => t.target))).toEqual(new Set([`wxpay-upstream.test:${upPort}`]));
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`proxy: ${proxyUrl}/ (https_proxy)`);
  });

  it('NO_PROXY: a listed host is reached directly', async () => {
    const r = await query(
      `http://wxpay-upstream.test:${upPort}`,
      { HTTP_PROXY: proxyUrl, NO_PROXY: '.test' },
      '--verbose',
    );
    expect(tunnels).toEqual([]);
    expect(r.code).toBe(4); // the name resolves nowhere without the proxy
    expect(r.stderr).toContain('proxy: none for http://wxpay-upstream.test');
  });

  it('loopback is never proxied, so the sandbox stays reachable on a CI machine with a proxy set', async () => {
    const r = await query(`http://127.0.0.1:${upPort}`, { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl }, '--verbose');
    expect(r.code).toBe(5);
    expect(tunnels).toEqual([]);
    expect(r.stderr).toContain('proxy: none for http://127.0.0.1');
    const local = await query(`http://localhost:${upPort}`, { HTTP_PROXY: proxyUrl, NO_PROXY: 'example.com' });
    expect(local.code).toBe(5);
    expect(tunnels).toEqual([]);
  });

  it('proxy credentials are sent to the proxy but never printed', async () => {
    const withAuth = proxyUrl.replace('http://', 'http://ci-user:pr0xy-s3cret@');
    const r = await query(`http://wxpay-upstream.test:${upPort}`, { HTTP_PROXY: withAuth }, '--verbose');
    expect(r.code).toBe(5);
    expect(tunnels[0]?.auth).toBe(`Basic ${Buffer.from('ci-user:pr0xy-s3cret').toString('base64')}`);
    expect(r.stderr).not.toContain('pr0xy-s3cret');
    expect(r.stderr).toContain('proxy: http://ci-user:***@127.0.0.1');
  });
});
