// Acceptance (issue 4) with the sandbox's fault injection: each verification failure is exit 6 with a hint
// (both key modes); retries on 500/429 succeed; a refund POST that got a 500 is retried with the same
// out_refund_no and makes one refund; a 400 is not retried; rotation with two live certificates and exactly
// one refresh on an unknown serial.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepay } from '../../src/api/transactions.js';
import { NOTIFY, inProcessClient, sandboxEnv, type Env } from './cmd-sandbox-helpers.js';

const QUERY = 'GET /v3/pay/transactions/out-trade-no/{out_trade_no}';
const CERTS = 'GET /v3/certificates';
const REFUNDS = 'POST /v3/refund/domestic/refunds';

async function makeOrders(env: Env, nos: string[]): Promise<void> {
  const client = await inProcessClient(env);
  try {
    for (const no of nos)
      await prepay(client, 'native', {
        appid: env.sb.context.keys.appid,
        description: 'Tea',
        outTradeNo: no,
        notifyUrl: NOTIFY,
        total: 100,
      });
  } finally {
    await client.close();
  }
}

const EXPECTED = {
  tamper: 'VERIFY_BAD_SIGNATURE',
  'bad-signature': 'VERIFY_BAD_SIGNATURE',
  'unknown-serial': 'VERIFY_UNKNOWN_SERIAL',
  probe: 'VERIFY_PROBE',
  'stale-timestamp': 'VERIFY_TIMESTAMP',
} as const;

describe.each(['cert', 'pubkey'] as const)('verification faults, %s mode', (mode) => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv(mode);
  });
  afterAll(() => env.close());

  it('tampered body, wrong signature, unknown serial, probe and stale timestamp each exit 6 with a hint', async () => {
    const kinds = Object.keys(EXPECTED) as Array<keyof typeof EXPECTED>;
    const nos = kinds.map((k) => `F${mode}${k.replace(/-/g, '')}`.slice(0, 32));
    await makeOrders(env, nos);
    await env.admin('POST', '/sandbox/faults', {
      faults: kinds.map((kind, i) => ({ kind, rate: 1, path: `/v3/pay/transactions/out-trade-no/${nos[i]}` })),
    });
    const certsBefore = await env.count(CERTS);
    const results = await Promise.all(nos.map((no) => env.cli(['query', no, '--json'])));
    results.forEach((r, i) => {
      expect(r.code, `${kinds[i]}: ${r.stderr}`).toBe(6);
      expect(r.stdout).toBe('');
      expect(r.error()).toMatchObject({
        code: EXPECTED[kinds[i]!],
        exitCode: 6,
        hint: expect.stringMatching(/.{20,}/),
      });
    });
    // An unknown hex serial costs exactly one refresh; a PUB_KEY_ID_ serial none.
    expect((await env.count(CERTS)) - certsBefore).toBe(mode === 'cert' ? 1 : 0);
    const human = await env.cli(['query', nos[3]!]);
    expect(human.stderr).toMatch(/VERIFY_PROBE.*\n.*hint: /);
    await env.admin('DELETE', '/sandbox/faults');
  });
});

describe('retries and rotation (cert mode)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv('cert');
    await makeOrders(env, ['RETRY0001']);
    await env.admin('POST', '/sandbox/orders/RETRY0001/pay');
  });
  afterAll(() => env.close());

  it.each(['500', '429'])('a query succeeds after two %s answers (3 attempts)', async (kind) => {
    await env.admin('POST', '/sandbox/faults', {
      faults: [{ kind, rate: 1, count: 2, path: '/v3/pay/transactions/out-trade-no/RETRY0001' }],
    });
    const before = await env.count(QUERY);
    const r = await env.cli(['query', 'RETRY0001', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().trade_state).toBe('SUCCESS');
    expect((await env.count(QUERY)) - before).toBe(3);
  });

  it('a refund POST that got a 500 is retried with the same out_refund_no and creates exactly one refund', async () => {
    await env.admin('POST', '/sandbox/faults', {
      faults: [{ kind: '500', rate: 1, count: 1, path: '/v3/refund/domestic/refunds' }],
    });
    const before = await env.count(REFUNDS);
    const r = await env.cli([
      'refund',
      'create',
      '--out-trade-no',
      'RETRY0001',
      '--out-refund-no',
      'RRETRY0001',
      '--amount',
      '30',
      '--total',
      '100',
      '--yes',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ out_refund_no: 'RRETRY0001', amount: { refund: 30 } });
    expect((await env.count(REFUNDS)) - before).toBe(2);
    const refunds = (await env.admin('GET', '/sandbox/state')).refunds.filter(
      (x: { outRefundNo: string }) => x.outRefundNo === 'RRETRY0001',
    );
    expect(refunds).toHaveLength(1);
  });

  it('a 400 is not retried, even for a write marked idempotent', async () => {
    await env.admin('DELETE', '/sandbox/faults');
    const before = await env.count(REFUNDS);
    const r = await env.cli([
      'api',
      'POST',
      '/v3/refund/domestic/refunds',
      '--data',
      '{"out_refund_no":"RBAD0001"}',
      '--idempotent',
      '--json',
    ]);
    expect(r.code).toBe(5);
    expect(r.error()).toMatchObject({
      code: 'WECHATPAY_ERROR',
      wechatpay: { status: 400, code: 'PARAM_ERROR' },
      requestId: expect.any(String),
    });
    expect((await env.count(REFUNDS)) - before).toBe(1);
  });

  it('rotation: responses signed by either live certificate verify; an unknown serial costs exactly one refresh', async () => {
    const oldSerial = env.sb.context.keys.platform[0]!.serial;
    const { serial: newSerial } = await env.admin('POST', '/sandbox/certificates/rotate');
    expect(newSerial).not.toBe(oldSerial);
    let certs = await env.count(CERTS);
    const first = await env.cli(['query', 'RETRY0001', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect((await env.count(CERTS)) - certs).toBe(1);
    await env.admin('POST', '/sandbox/sign-with', { serial: oldSerial });
    certs = await env.count(CERTS);
    const old = await env.cli(['query', 'RETRY0001', '--json']);
    expect(old.code, old.stderr).toBe(0);
    expect((await env.count(CERTS)) - certs).toBe(0);
    // certs download saves the new certificate next to the old one; afterwards no refresh is needed.
    await env.admin('POST', '/sandbox/sign-with', { serial: newSerial });
    const dl = await env.cli(['certs', 'download', '--json']);
    expect(dl.code, dl.stderr).toBe(0);
    expect(dl.json().certificates.map((c: { serial: string; saved: boolean }) => [c.serial, c.saved])).toEqual([
      [oldSerial, false],
      [newSerial, true],
    ]);
    certs = await env.count(CERTS);
    const after = await env.cli(['query', 'RETRY0001', '--json']);
    expect(after.code, after.stderr).toBe(0);
    expect((await env.count(CERTS)) - certs).toBe(0);
  });
});

describe('mixed mode (public key and platform certificates configured together, for migration)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv('mixed');
    await makeOrders(env, ['MIXED0001']);
  });
  afterAll(() => env.close());

  it('query verifies and certs download still works', async () => {
    const q = await env.cli(['query', 'MIXED0001', '--json', '--verbose']);
    expect(q.code, q.stderr).toBe(0);
    expect(q.json().trade_state).toBe('NOTPAY');
    expect(q.stderr).toMatch(/wechatpay-serial: PUB_KEY_ID_/i);
    const dl = await env.cli(['certs', 'download', '--output', 'more-certs', '--json']);
    expect(dl.code, dl.stderr).toBe(0);
    expect(dl.json().certificates).toHaveLength(1);
  });
});
