// The eleven steps of `wxpay demo`, in order. Each does one real thing against the embedded sandbox and
// listener (the same api/, sandbox/, webhook/ and doctor code the commands use) and names the `wxpay` command
// that does it by hand against a running `wxpay sandbox serve`.
import { createRefund, queryRefund } from '../api/refunds.js';
import { prepay, queryOrder } from '../api/transactions.js';
import { runConfigChecks } from '../diagnostics/doctor.js';
import { adminPost } from './admin-post.js';
import { demoClient, initKeys, startDemoSandbox, startDemoWebhook, DEMO_NOTIFY_PATH } from './env.js';
import { SANDBOX_HINT, awaitNotification, expectState, notificationLines } from './expect.js';
import type { DemoSettings, DemoStep } from './settings.js';
import { WxpayError } from '../protocol/errors.js';

const cfg = (set: DemoSettings) => `--config ${set.rcShown}`;

export const DEMO_STEPS: readonly DemoStep[] = [
  {
    title: 'init the keys',
    async run(world, _s, set) {
      const init = await initKeys(world, set.mode);
      return {
        detail: [
          `throwaway merchant key + certificate (serial ${init.serialNo}), WeChat Pay keys, APIv3 key in ${set.dirShown}`,
          `mode ${init.mode}; profile "sandbox" in ${set.rcShown}`,
        ],
        command: `wxpay sandbox init --dir ${set.dirShown} --mode ${set.mode}`,
      };
    },
  },
  {
    title: 'start the sandbox',
    async run(world, _s, set) {
      const sb = await startDemoSandbox(world, set.mode);
      return {
        detail: [`WeChat Pay v3 simulator listening on ${sb.url} (mchid ${world.init!.mchid})`],
        command: `wxpay sandbox serve --dir ${set.dirShown} --port ${sb.port} --state ${set.dirShown}/sandbox-state.json`,
      };
    },
  },
  {
    title: 'start webhook serve',
    async run(world, _s, set) {
      const wh = await startDemoWebhook(world);
      const port = new URL(wh.url).port;
      return {
        detail: [`callback listener on ${wh.url}, journal ${world.journalPath}`],
        command: `wxpay webhook serve ${cfg(set)} --port ${port} --path ${DEMO_NOTIFY_PATH} --journal ${set.dirShown}/webhooks.ndjson`,
      };
    },
  },
  {
    title: 'native prepay',
    async run(world, s, set) {
      const client = await demoClient(world);
      const res = await prepay(client, 'native', {
        appid: world.init!.appid,
        description: 'wxpay demo',
        outTradeNo: s.outTradeNo,
        notifyUrl: world.webhook!.url,
        total: s.total,
      });
      if (!res.code_url)
        throw new WxpayError('WECHATPAY_ERROR', 'the prepay answer has no code_url', { hint: SANDBOX_HINT });
      return {
        detail: [`order ${s.outTradeNo} for ${s.total} fen; code_url ${res.code_url} (signed answer verified)`],
        command: `wxpay prepay native ${cfg(set)} --out-trade-no ${s.outTradeNo} --amount ${s.total} --description "wxpay demo" --notify-url ${world.webhook!.url} --qr`,
        ...(set.qr ? { block: await set.qr(res.code_url) } : {}),
      };
    },
  },
  {
    title: 'simulated payment',
    async run(world, s, set) {
      const tx = await adminPost(world, `/sandbox/orders/${s.outTradeNo}/pay`);
      expectState('trade_state', tx.trade_state, 'SUCCESS');
      return {
        detail: [`the simulated payer paid: transaction_id ${String(tx.transaction_id)}`],
        command: `wxpay sandbox pay ${s.outTradeNo} ${cfg(set)}`,
      };
    },
  },
  {
    title: 'payment notification received, verified and decrypted',
    async run(world, s, set) {
      const e = await awaitNotification(world, set, 'TRANSACTION.SUCCESS');
      expectState('the notified out_trade_no', e.out_trade_no, s.outTradeNo);
      expectState('the notified trade_state', e.state, 'SUCCESS');
      return {
        detail: notificationLines(e),
        command: `wxpay webhook serve ${cfg(set)} ... (its live line; the raw callback is in the journal)`,
      };
    },
  },
  {
    title: 'query shows SUCCESS',
    async run(world, s, set) {
      const tx = await queryOrder(await demoClient(world), { outTradeNo: s.outTradeNo });
      expectState('trade_state', tx.trade_state, 'SUCCESS');
      return {
        detail: [`trade_state ${tx.trade_state}, ${tx.amount?.total} fen, payer ${tx.payer?.openid ?? '-'}`],
        command: `wxpay query ${s.outTradeNo} ${cfg(set)}`,
      };
    },
  },
  {
    title: 'partial refund',
    async run(world, s, set) {
      const r = await createRefund(await demoClient(world), {
        outTradeNo: s.outTradeNo,
        outRefundNo: s.outRefundNo,
        refund: s.refund,
        total: s.total,
        reason: 'wxpay demo',
        notifyUrl: world.webhook!.url,
      });
      expectState('refund status', r.status, 'PROCESSING');
      return {
        detail: [`refund ${s.outRefundNo}: ${s.refund} of ${s.total} fen, status ${r.status}`],
        command: `wxpay refund create ${cfg(set)} --out-trade-no ${s.outTradeNo} --out-refund-no ${s.outRefundNo} --amount ${s.refund} --total ${s.total} --notify-url ${world.webhook!.url} --yes`,
      };
    },
  },
  {
    title: 'refund notification',
    async run(world, s, set) {
      await adminPost(world, `/sandbox/refunds/${s.outRefundNo}/complete`);
      const e = await awaitNotification(world, set, 'REFUND.SUCCESS');
      expectState('the notified refund state', e.state, 'SUCCESS');
      return {
        detail: ['the sandbox finished the refund', ...notificationLines(e)],
        command: `wxpay sandbox refund ${s.outRefundNo} ${cfg(set)}`,
      };
    },
  },
  {
    title: 'refund query shows SUCCESS',
    async run(world, s, set) {
      const r = await queryRefund(await demoClient(world), s.outRefundNo);
      expectState('refund status', r.status, 'SUCCESS');
      return {
        detail: [
          `refund ${r.out_refund_no}: status ${r.status}, ${r.amount?.refund} fen back to ${r.user_received_account ?? 'the payer'}`,
        ],
        command: `wxpay refund query ${s.outRefundNo} ${cfg(set)}`,
      };
    },
  },
  {
    title: 'config check on the demo profile',
    async run(world, _s, set) {
      const checks = await runConfigChecks(world.profile!, {}, Date.now());
      const failed = checks.filter((c) => c.status === 'fail');
      if (failed.length)
        throw new WxpayError(
          'CONFIG_CHECK_FAILED',
          `config check failed: ${failed.map((c) => `${c.name}: ${c.message}`).join('; ')}`,
          { hint: 'The demo wrote this profile itself; run wxpay demo --keep ./demo and wxpay config check on it.' },
        );
      const warned = checks.filter((c) => c.status === 'warn').length;
      return {
        detail: [`${checks.length} checks, ${checks.length - warned} pass, ${warned} warn, 0 fail`],
        command: `wxpay config check ${cfg(set)}`,
      };
    },
  },
];
