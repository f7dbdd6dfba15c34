// The executors of `fixtures run`'s WeChat Pay actions: the same api/ functions the commands call, on one client
// built from the profile. Each returns WeChat Pay's answer (or, for close, what was done), which later steps
// reference; none returns a signature or key (jsapi/app invoke parameters are signed, so prepay leaves them out).
import { applyAbnormalRefund, createRefund, queryRefund, type AbnormalRefundType } from '../api/refunds.js';
import { closeOrder, prepay, queryOrder, type PrepayKind } from '../api/transactions.js';
import { createTransfer, queryTransfer } from '../api/transfers.js';
import { usageError } from '../protocol/errors.js';
import type { Executor, Executors } from '../fixtures/runner.js';
import type { ClientContext } from './client-context.js';
import { keyForNames } from './profitsharing.js';
import { reportsOf } from './transfer-input.js';

type In = Record<string, unknown>;
// The schema and the runner have checked each input's type against its action (src/fixtures/actions.ts).
const s = (i: In, k: string): string => i[k] as string;
const opt = (i: In, k: string): string | undefined => i[k] as string | undefined;
const n = (i: In, k: string): number => i[k] as number;
/** The fields that may be undefined become optional and absent (exactOptionalPropertyTypes: no `x: undefined`). */
type Present<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
const present = <T extends object>(o: T): Present<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Present<T>;

function needed(value: string | undefined, what: string, hint: string): string {
  if (!value) throw usageError(`No ${what}`, hint);
  return value;
}

export type ClientActions = Pick<
  Executors,
  'prepay' | 'query' | 'close' | 'refund' | 'refund_query' | 'abnormal_refund' | 'transfer' | 'transfer_query'
>;

function prepayAction({ client, profile }: ClientContext): Executor {
  return async (i) => {
    const input = present({
      appid: needed(opt(i, 'appid') ?? profile.appid, 'appid', 'Give with.appid or set "appid" in the profile.'),
      notifyUrl: needed(
        opt(i, 'notify_url') ?? profile.notifyUrl,
        'notify_url',
        'Give with.notify_url or set "notifyUrl" in the profile.',
      ),
      description: s(i, 'description'),
      outTradeNo: s(i, 'out_trade_no'),
      total: n(i, 'amount'),
      openid: opt(i, 'openid'),
      payerClientIp: opt(i, 'payer_ip'),
      attach: opt(i, 'attach'),
      profitSharing: i.profit_sharing === true ? true : undefined,
    });
    const kind = s(i, 'kind') as PrepayKind;
    const { response: _, ...answer } = await prepay(client, kind, input);
    return { kind, out_trade_no: input.outTradeNo, amount: input.total, ...answer };
  };
}

function transferAction({ client, profile }: ClientContext): Executor {
  return async (i) =>
    createTransfer(
      client,
      present({
        appid: needed(opt(i, 'appid') ?? profile.appid, 'appid', 'Give with.appid or set "appid" in the profile.'),
        outBillNo: s(i, 'out_bill_no'),
        openid: s(i, 'openid'),
        amount: n(i, 'amount'),
        sceneId: s(i, 'scene_id'),
        remark: s(i, 'remark'),
        reports: reportsOf(i.scene_reports as string[] | undefined),
        userName: opt(i, 'user_name'),
        notifyUrl: opt(i, 'notify_url'),
      }),
    );
}

function abnormalRefundAction({ client }: ClientContext): Executor {
  return async (i) => {
    const input = present({
      refundId: s(i, 'refund_id'),
      outRefundNo: s(i, 'out_refund_no'),
      type: s(i, 'type') as AbnormalRefundType,
      bankType: opt(i, 'bank_type'),
      bankAccount: opt(i, 'bank_account'),
      realName: opt(i, 'real_name'),
    });
    const key = await keyForNames(client, input.bankAccount !== undefined || input.realName !== undefined, false);
    return applyAbnormalRefund(client, input, key);
  };
}

export function clientActions(c: ClientContext): ClientActions {
  const { client } = c;
  return {
    prepay: prepayAction(c),
    query: (i) => queryOrder(client, { outTradeNo: s(i, 'out_trade_no') }),
    close: async (i) => {
      await closeOrder(client, s(i, 'out_trade_no'));
      return { out_trade_no: s(i, 'out_trade_no'), closed: true };
    },
    refund: (i) =>
      createRefund(
        client,
        present({
          outTradeNo: s(i, 'out_trade_no'),
          outRefundNo: s(i, 'out_refund_no'),
          refund: n(i, 'amount'),
          total: n(i, 'total'),
          reason: opt(i, 'reason'),
          notifyUrl: opt(i, 'notify_url'),
        }),
      ),
    refund_query: (i) => queryRefund(client, s(i, 'out_refund_no')),
    abnormal_refund: abnormalRefundAction(c),
    transfer: transferAction(c),
    transfer_query: (i) => queryTransfer(client, { outBillNo: s(i, 'out_bill_no') }),
  };
}
