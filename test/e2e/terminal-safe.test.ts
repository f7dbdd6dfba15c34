// Issue 12 "Terminal-safe output", end to end. Regression: a non-2xx body is unsigned, yet its `message` reached the
// terminal raw: a clear-screen code, a fake "refund succeeded" line and a window-title change. The CLI now
// shows them neutralised (human output, --verbose log included) and keeps the exact text in --json.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxInitResult } from '../../src/sandbox/keyset.js';
import { runCli } from '../helpers/cli.js';
import { sandboxKeySet } from '../helpers/sandbox.js';

const MESSAGE =
  '\x1b[2J\x1b[H\x1b]0;wxpay: refund done\x07\r\x1b[32m✔ refund R1 succeeded\x1b[0m\n✔ refund R2 succeeded';
const OBEYED = /\x1b|\x07|\r/;

let keys: SandboxInitResult;
let server: Server;
let url: string;
beforeAll(async () => {
  keys = await sandboxKeySet('pubkey');
  server = createServer((req, res) => {
    res.writeHead(400, { 'content-type': 'application/json', 'request-id': 'REQ-1' });
    // /raw: not JSON, so the escapes are raw bytes in the body itself (a proxy's page), as the verbose log sees them.
    res.end(
      req.url!.includes('raw') ? `proxy error ${MESSAGE}` : JSON.stringify({ code: 'PARAM_ERROR', message: MESSAGE }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const api = (...extra: string[]) =>
  runCli(
    [
      'api',
      'GET',
      extra.includes('--verbose') ? '/v3/raw' : '/v3/pay/transactions/id/1',
      '--config',
      keys.rcPath,
      ...extra,
    ],
    { cwd: keys.dir, env: { WXPAY_BASE_URL: url } },
  );

describe('escape codes from a server are neutralised', () => {
  it("human output: shown as \\x1b…, on the error's own line, nothing a terminal would obey", async () => {
    const r = await api();
    expect(r.code).toBe(5);
    expect(r.stdout + r.stderr).not.toMatch(OBEYED);
    expect(r.stderr).toContain(
      'PARAM_ERROR: \\x1b[2J\\x1b[H\\x1b]0;wxpay: refund done\\x07\\r\\x1b[32m✔ refund R1 succeeded\\x1b[0m\\n✔ refund R2 succeeded',
    );
    expect(r.stderr.split('\n').some((l) => l.startsWith('✔'))).toBe(false);
  });

  it('--verbose: the logged answer is neutralised too', async () => {
    const r = await api('--verbose');
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/< 400 GET/);
    expect(r.stdout + r.stderr).not.toMatch(OBEYED);
    expect(r.stderr).toMatch(/^ *proxy error \\x1b\[2J\\x1b\[H\\x1b\]0;wxpay: refund done\\x07\\r/m); // the logged body
  });

  it("--json: exact JSON, the server's message unchanged", async () => {
    const r = await api('--json');
    expect(r.code).toBe(5);
    expect(r.error()).toMatchObject({ code: 'WECHATPAY_ERROR', wechatpay: { code: 'PARAM_ERROR', message: MESSAGE } });
  });
});
