// Issue 15: endpoint paths are written once (src/protocol/endpoints.ts, or a family's table in api/). api/ fills the templates, and the sandbox's
// router matches requests against the same templates: every request api/ builds finds its sandbox route, with the
// path parameters decoded back to what was given.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { refundQueryRequest, refundRequest } from '../../src/api/refunds.js';
import { receiptApplyRequest, receiptQueryPath } from '../../src/api/transfer-receipts.js';
import { TRANSFER_PATHS, cancelRequest, transferQueryPath } from '../../src/api/transfers.js';
import { PREPAY_KINDS, closeRequest, prepayPath, queryRequest } from '../../src/api/transactions.js';
import { ENDPOINTS, fillPath } from '../../src/protocol/endpoints.js';
import { Router } from '../../src/sandbox/router.js';
import { ROUTE_MODULES } from '../../src/sandbox/routes/index.js';
import { repoRoot } from '../helpers/paths.js';

const client = { merchant: { mchid: '1900007291' } } as Parameters<typeof queryRequest>[0];
const router = new Router(ROUTE_MODULES.flat());

describe('endpoint templates', () => {
  it('fillPath encodes each value as one path segment', () => {
    expect(fillPath(ENDPOINTS.orderByOutTradeNo(false), { out_trade_no: 'A B/1' })).toBe(
      '/v3/pay/transactions/out-trade-no/A%20B%2F1',
    );
    expect(fillPath(ENDPOINTS.closeOrder(true), { out_trade_no: 'T1' })).toBe(
      '/v3/pay/partner/transactions/out-trade-no/T1/close',
    );
    expect(() => fillPath(ENDPOINTS.refundByOutRefundNo, {})).toThrow(/out_refund_no/);
  });

  it('api/ builds the paths the client has always sent', () => {
    expect(prepayPath('native', false)).toBe('/v3/pay/transactions/native');
    expect(prepayPath('jsapi', true)).toBe('/v3/pay/partner/transactions/jsapi');
    expect(queryRequest(client, { transactionId: '4200000001' })).toEqual({
      method: 'GET',
      path: '/v3/pay/transactions/id/4200000001',
      query: { mchid: '1900007291' },
    });
    expect(refundQueryRequest('R 1').path).toBe('/v3/refund/domestic/refunds/R%201');
  });

  it.each([false, true])('every request api/ builds finds its sandbox route (partner: %s)', (partner) => {
    const sub = partner ? { subMchid: '1900000109' } : undefined;
    const requests: Array<[string, string, Record<string, string>]> = [
      ...PREPAY_KINDS.map((k): [string, string, Record<string, string>] => ['POST', prepayPath(k, partner), {}]),
      ['GET', queryRequest(client, { outTradeNo: 'ORDER 1/x' }, sub).path, { out_trade_no: 'ORDER 1/x' }],
      ['GET', queryRequest(client, { transactionId: '4200000001' }, sub).path, { transaction_id: '4200000001' }],
      ['POST', closeRequest(client, 'ORDER|1', sub).path, { out_trade_no: 'ORDER|1' }],
      ['POST', refundRequest({ outTradeNo: 'T1', outRefundNo: 'R1', refund: 1, total: 1 }).path, {}],
      ['GET', refundQueryRequest('R@1').path, { out_refund_no: 'R@1' }],
      ['GET', ENDPOINTS.certificates, {}],
      ['GET', ENDPOINTS.tradeBill, {}],
      ['GET', ENDPOINTS.fundflowBill, {}],
      ['GET', ENDPOINTS.billDownload, {}],
    ];
    for (const [method, p, params] of requests) {
      const m = router.match(method, p);
      expect(m, `${method} ${p}`).toMatchObject({ kind: 'found', params });
    }
  });

  it('every transfer request api/ builds finds its sandbox route', () => {
    const requests: Array<[string, string, Record<string, string>]> = [
      ['POST', TRANSFER_PATHS.create, {}],
      ['GET', transferQueryPath({ outBillNo: 'TB 1/x' }), { out_bill_no: 'TB 1/x' }],
      [
        'GET',
        transferQueryPath({ transferBillNo: '1330000071100999991182020050700019480001' }),
        { transfer_bill_no: '1330000071100999991182020050700019480001' },
      ],
      ['POST', cancelRequest('TB1').path, { out_bill_no: 'TB1' }],
      ['POST', receiptApplyRequest('TB1').path, {}],
      ['GET', receiptQueryPath('TB1'), { out_bill_no: 'TB1' }],
      ['GET', TRANSFER_PATHS.receiptDownload, {}],
    ];
    for (const [method, p, params] of requests)
      expect(router.match(method, p), `${method} ${p}`).toMatchObject({ kind: 'found', params });
  });

  // A family's table may also live in api/<family>.ts (api/transfers.ts); http/ needs ENDPOINTS, so those are in protocol/.
  it('no file in src/ but protocol/endpoints.ts and api/ writes a /v3/ path in code', () => {
    const src = path.join(repoRoot, 'src');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = path.join(dir, n);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
      });
    const offenders = files(src)
      .filter((f) => !f.endsWith(path.join('protocol', 'endpoints.ts')) && !f.startsWith(path.join(src, 'api')))
      // Code only: comments, and help texts quoted inside strings with a space before the path, are prose.
      .filter((f) =>
        /['`]\/v3\/\w/.test(
          readFileSync(f, 'utf8')
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/^\s*\/\/.*$/gm, ''),
        ),
      )
      .map((f) => path.relative(src, f));
    expect(offenders).toEqual([]);
  });
});
