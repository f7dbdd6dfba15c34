// Fuzzing (issue 9) the sandbox behind its authentication: correctly SIGNED requests whose JSON bodies are
// structured mutations of valid prepay, refund and admin calls (any field dropped or replaced by any JSON value,
// arbitrary query strings and path parameters), so every one reaches the validators and handlers. The answer is
// always a v3 answer: 2xx, or 4xx with {code, message}; never a 500, and onError (a bug in a handler) never fires.
import { fc } from '../helpers/fc.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, unixSeconds } from '../../src/protocol/sign.js';
import {
  jsapiBody,
  rawRequest,
  sandboxKeySet,
  startTestSandbox,
  uniqueNo,
  type RawResponse,
  type TestSandbox,
} from '../helpers/sandbox.js';
import { newNonce } from '../../src/protocol/nonce.js';

let t: TestSandbox;
const bugs: unknown[] = [];
beforeAll(async () => {
  t = await startTestSandbox(await sandboxKeySet('pubkey'), { onError: (e) => bugs.push(e), autoRefundMs: -1 });
});
afterAll(async () => {
  if (process.env.FUZZ_DEBUG) console.log([...statuses]);
  await t.sb.close();
});

/** Signs exactly the bytes sent; returns the answer. */
function signed(method: string, target: string, body = ''): Promise<RawResponse> {
  const authorization = signRequest(t.merchant, {
    method,
    url: target,
    body,
    timestamp: unixSeconds(Date.now()),
    nonce: newNonce(),
  }).authorization;
  return rawRequest(
    t.sb.url,
    method,
    target,
    {
      Accept: 'application/json',
      'User-Agent': 'wxpay-fuzz/1',
      Authorization: authorization,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body || undefined,
  );
}

/** Answers seen, by status and code (FUZZ_DEBUG=1 prints them: most mutations must reach the validators). */
const statuses = new Map<string, number>();
const wellFormed = (r: RawResponse): boolean => {
  const key = `${r.status} ${r.json?.code ?? ''}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  return (
    (r.status >= 200 && r.status < 300) ||
    (r.status >= 400 && r.status < 500 && typeof r.json?.code === 'string' && typeof r.json?.message === 'string')
  );
};

/** Replaces or drops one field at a dotted path. */
function mutate(obj: Record<string, unknown>, at: string, value: unknown, drop: boolean): Record<string, unknown> {
  const copy = structuredClone(obj);
  const keys = at.split('.');
  let cur = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    if (cur[k] === null || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  if (drop) delete cur[keys.at(-1)!];
  else cur[keys.at(-1)!] = value;
  return copy;
}

const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53, '', ' ', 'x'.repeat(300), '\u0000', '退款', [], {}),
);
const seeds = () => {
  const no = uniqueNo('F');
  return {
    prepay: {
      path: '/v3/pay/transactions/jsapi',
      body: jsapiBody(t.init, no) as Record<string, unknown>,
      fields: [
        'appid',
        'mchid',
        'description',
        'out_trade_no',
        'notify_url',
        'amount',
        'amount.total',
        'amount.currency',
        'payer',
        'payer.openid',
        'time_expire',
        'attach',
        'scene_info',
      ],
    },
    refund: {
      path: '/v3/refund/domestic/refunds',
      body: {
        out_trade_no: no,
        out_refund_no: uniqueNo('R'),
        reason: 'fuzz',
        amount: { refund: 1, total: 100, currency: 'CNY' },
      } as Record<string, unknown>,
      fields: [
        'out_trade_no',
        'transaction_id',
        'out_refund_no',
        'reason',
        'notify_url',
        'amount',
        'amount.refund',
        'amount.total',
        'amount.currency',
        'funds_account',
      ],
    },
  };
};

describe('sandbox under signed, mutated calls', () => {
  it('prepay and refund bodies with any field dropped or replaced answer 2xx or a v3 4xx', async () => {
    const paid = uniqueNo('P');
    expect((await signed('POST', '/v3/pay/transactions/jsapi', JSON.stringify(jsapiBody(t.init, paid)))).status).toBe(
      200,
    );
    expect(
      (await rawRequest(t.sb.url, 'POST', `/sandbox/orders/${paid}/pay`, { 'Content-Type': 'application/json' }))
        .status,
    ).toBe(200);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('prepay' as const, 'refund' as const),
        fc.nat(),
        anyJson,
        fc.boolean(),
        async (kind, pick, value, drop) => {
          const s = seeds()[kind];
          if (kind === 'refund') s.body.out_trade_no = paid;
          const r = await signed(
            'POST',
            s.path,
            JSON.stringify(mutate(s.body, s.fields[pick % s.fields.length]!, value, drop)),
          );
          return wellFormed(r) && bugs.length === 0;
        },
      ),
      { numRuns: 120 },
    );
  });

  it('the mutated calls got past authentication (so the validators were what answered)', () => {
    expect([...statuses.keys()].filter((k) => k.startsWith('401'))).toEqual([]);
    expect(statuses.get('400 PARAM_ERROR')).toBeGreaterThan(20);
  });

  it('arbitrary JSON and non-JSON bodies, signed, never reach a 500', async () => {
    const paths = fc.constantFrom(
      '/v3/pay/transactions/jsapi',
      '/v3/pay/transactions/native',
      '/v3/refund/domestic/refunds',
      `/v3/pay/transactions/out-trade-no/X123456/close`,
    );
    await fc.assert(
      fc.asyncProperty(
        paths,
        fc.oneof(
          anyJson.map((v) => JSON.stringify(v) ?? ''),
          fc.string({ maxLength: 60 }),
        ),
        async (p, body) => wellFormed(await signed('POST', p, body)) && bugs.length === 0,
      ),
      { numRuns: 120 },
    );
  });

  it('arbitrary path parameters and query strings on the GET routes never reach a 500', async () => {
    const seg = fc.string({ maxLength: 40 }).map(encodeURIComponent);
    const query = fc
      .dictionary(
        fc.constantFrom('mchid', 'sub_mchid', 'bill_date', 'bill_type', 'tar_type', 'account_type', 'token', 'x'),
        fc.string({ maxLength: 20 }),
      )
      .map((d) => new URLSearchParams(d).toString());
    const routes = fc.constantFrom(
      '/v3/pay/transactions/out-trade-no/',
      '/v3/pay/transactions/id/',
      '/v3/refund/domestic/refunds/',
      '/v3/bill/tradebill?',
      '/v3/bill/fundflowbill?',
      '/v3/billdownload/file?',
      '/v3/certificates?',
    );
    await fc.assert(
      fc.asyncProperty(routes, seg, query, async (route, s, q) => {
        const target = route.endsWith('?') ? `${route}${q}` : `${route}${s || 'x'}?${q}`;
        const r = await signed('GET', target);
        return (wellFormed(r) || (route.includes('billdownload') && r.status < 500)) && bugs.length === 0;
      }),
      { numRuns: 150 },
    );
  });

  it('the admin API takes arbitrary JSON without a 500', async () => {
    const admin = fc.constantFrom(
      '/sandbox/faults',
      '/sandbox/clock',
      '/sandbox/sign-with',
      '/sandbox/bills/seed',
      '/sandbox/orders/NOPE/pay',
      '/sandbox/refunds/NOPE/complete',
    );
    await fc.assert(
      fc.asyncProperty(admin, anyJson, async (p, v) => {
        const r = await rawRequest(
          t.sb.url,
          'POST',
          p,
          { 'Content-Type': 'application/json' },
          JSON.stringify(v) ?? '',
        );
        return r.status < 500 && bugs.length === 0;
      }),
      { numRuns: 120 },
    );
    await rawRequest(t.sb.url, 'DELETE', '/sandbox/faults', {});
    await rawRequest(
      t.sb.url,
      'POST',
      '/sandbox/clock',
      { 'Content-Type': 'application/json' },
      JSON.stringify({ offsetSeconds: 0 }),
    );
  });
});
