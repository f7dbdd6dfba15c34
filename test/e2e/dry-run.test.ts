// Issue 12 "Dry runs print no usable signature". Regression: `refund create … --dry-run --json` printed a complete
// Authorization header, and replaying it within 5 minutes made the refund. Now every --dry-run shows the message
// that would be signed with signature="<not signed: --dry-run>", and a replay of what it prints is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepayArgs, sandboxEnv, type Env } from './cmd-sandbox-helpers.js';

const PLACEHOLDER = 'signature="<not signed: --dry-run>"';
/** Any RSA-2048-sized base64 run: a signature, whatever the field around it is called. */
const SIGNATURE_SHAPED = /[A-Za-z0-9+/]{340,}={0,2}/;

let env: Env;
beforeAll(async () => {
  env = await sandboxEnv('cert');
  const made = await env.cli([...prepayArgs('native', 'DRYRUN0001'), '--json']);
  expect(made.code, made.stderr).toBe(0);
  await env.admin('POST', '/sandbox/orders/DRYRUN0001/pay');
});
afterAll(() => env.close());

const refundArgs = [
  'refund',
  'create',
  '--out-trade-no',
  'DRYRUN0001',
  '--out-refund-no',
  'RDRYRUN0001',
  '--amount',
  '40',
  '--total',
  '100',
];

describe('--dry-run prints no signature', () => {
  it('refund create --dry-run --json: the message to sign and a placeholder, and a replay of it makes no refund', async () => {
    const dry = await env.cli([...refundArgs, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout + dry.stderr).not.toMatch(SIGNATURE_SHAPED);
    const { request, message } = dry.json();
    expect(request.headers.Authorization).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="\d+",nonce_str="[0-9A-F]{32}",signature="<not signed: --dry-run>",timestamp="\d{10}",serial_no="[0-9A-F]+"$/,
    );
    const nonce = /nonce_str="([^"]+)"/.exec(request.headers.Authorization)![1];
    const ts = /timestamp="(\d+)"/.exec(request.headers.Authorization)![1];
    expect(message).toBe(`POST\n/v3/refund/domestic/refunds\n${ts}\n${nonce}\n${request.body}\n`);

    // An attacker pastes exactly what the ticket shows.
    const replay = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe('SIGN_ERROR');
    expect(
      (await env.admin('GET', '/sandbox/state')).refunds.filter((r: any) => r.outRefundNo === 'RDRYRUN0001'),
    ).toEqual([]);
  });

  it('human output of every --dry-run command: the placeholder, the message, nothing signature-shaped', async () => {
    const runs = await Promise.all([
      env.cli([...refundArgs, '--dry-run']),
      env.cli(['close', 'DRYRUN0002', '--dry-run']),
      env.cli([...prepayArgs('native', 'DRYRUN0003'), '--dry-run']),
      env.cli(['api', 'POST', '/v3/pay/transactions/native', '--data', '{"a":1}', '--dry-run']),
      env.cli(['api', 'GET', '/v3/certificates', '--dry-run', '--json']),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(SIGNATURE_SHAPED);
      expect(r.stdout).toContain(r === runs[4] ? JSON.stringify(PLACEHOLDER).slice(1, -1) : PLACEHOLDER);
    }
    expect(runs[0].stdout).toMatch(
      /message to sign[^\n]*\nPOST↵\n\/v3\/refund\/domestic\/refunds↵\n\d{10}↵\n[0-9A-F]{32}↵\n\{.*"out_refund_no":"RDRYRUN0001".*\}↵\n/,
    );
  });

  it("dry-run-help-says-unsigned: every write command's --help says the dry run is not signed", async () => {
    for (const cmd of [['prepay', 'native'], ['close'], ['refund', 'create'], ['api']]) {
      const help = await env.cli([...cmd, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(
        /--dry-run\s+print\s+the\s+request\s+and\s+the\s+message\s+to\s+sign,\s+unsigned,\s+without\s+sending\s+it/,
      );
      expect(help.stdout).not.toMatch(/print the signed request/);
    }
  });
});

describe('wxpay sign keeps signing', () => {
  it('prints the real signature on stdout and says on stderr how long it stays valid', async () => {
    const r = await env.cli(['sign', 'GET', '/v3/certificates']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/signature="[A-Za-z0-9+/]{342}=="/);
    expect(r.stderr).toMatch(/valid for 5 minutes/);
    expect(r.stderr).toMatch(/replay/i);
  });
});
