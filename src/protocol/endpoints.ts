// docs/protocol.md §3 and §5: the endpoint path templates, written once. api/ fills them to make requests; the
// sandbox's router matches requests against the very same templates, so the two cannot drift apart; http/ uses two
// of them for its own rules (the certificate refresh, the one unsigned download). Placeholders are `{name}`.

const transactions = (partner: boolean) => (partner ? '/v3/pay/partner/transactions' : '/v3/pay/transactions');

export const ENDPOINTS = {
  prepay: (partner: boolean) => `${transactions(partner)}/{kind}`,
  orderById: (partner: boolean) => `${transactions(partner)}/id/{transaction_id}`,
  orderByOutTradeNo: (partner: boolean) => `${transactions(partner)}/out-trade-no/{out_trade_no}`,
  closeOrder: (partner: boolean) => `${transactions(partner)}/out-trade-no/{out_trade_no}/close`,
  /** docs/protocol.md §18: payment code (付款码), direct merchants; reverse (撤销) cancels it, refunding if paid. */
  codepay: '/v3/pay/transactions/codepay',
  reverseOrder: '/v3/pay/transactions/out-trade-no/{out_trade_no}/reverse',
  refunds: '/v3/refund/domestic/refunds',
  refundByOutRefundNo: '/v3/refund/domestic/refunds/{out_refund_no}',
  /** docs/protocol.md §16: a refund that ended ABNORMAL, sent to a bank card. */
  abnormalRefund: '/v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund',
  certificates: '/v3/certificates',
  tradeBill: '/v3/bill/tradebill',
  fundflowBill: '/v3/bill/fundflowbill',
  /** The one answer WeChat Pay does not sign (docs/protocol.md §5 "Bills"). */
  billDownload: '/v3/billdownload/file',
} as const;

/** A template with each `{name}` replaced by its value, percent-encoded as one path segment. */
export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`fillPath: no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}
