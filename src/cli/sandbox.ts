// Declarations: wxpay sandbox init | serve | pay | refund | transfer (the local WeChat Pay v3 simulator, issue 3).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { lazy, type OptionsOf } from './lazy.js';

const declareSandboxPay = (sandbox: Command) =>
  sandbox
    .command('pay')
    .description('the simulated payer pays (or fails) an order on the running sandbox at the profile baseUrl')
    .argument('<out_trade_no>', 'the order to pay')
    .option('--fail', 'the payment attempt fails; the order stays NOTPAY, as in production');

export type SandboxPayOptions = OptionsOf<typeof declareSandboxPay>;

const declareSandboxRefund = (sandbox: Command) =>
  sandbox
    .command('refund')
    .description('complete (or fail) a PROCESSING refund on the running sandbox at the profile baseUrl')
    .argument('<out_refund_no>', 'the refund to finish')
    .option('--fail', 'fail it instead (status ABNORMAL)')
    .option('--status <status>', 'with --fail: ABNORMAL or CLOSED', 'ABNORMAL');

export type SandboxRefundOptions = OptionsOf<typeof declareSandboxRefund>;

const declareSandboxTransfer = (sandbox: Command) =>
  sandbox
    .command('transfer')
    .description('the simulated payee confirms (or refuses) a merchant transfer on the running sandbox')
    .argument('<out_bill_no>', 'the transfer waiting for the payee')
    .option('--refuse', 'the payee refuses (FAIL, OVERDUE_CLOSE)')
    .option('--fail <reason>', 'the transfer fails with this fail_reason, e.g. NAME_NOT_CORRECT');

export type SandboxTransferOptions = OptionsOf<typeof declareSandboxTransfer>;

const declareSandboxInit = (sandbox: Command) =>
  sandbox
    .command('init')
    .description('generate a throwaway key set and a "sandbox" profile in <dir>/.wxpayrc.json (never overwrites keys)')
    .option('--dir <dir>', 'sandbox folder', '.wxpay-sandbox')
    .option('--mode <mode>', 'cert | pubkey | mixed (which WeChat Pay key the profile verifies with)')
    .option('--mchid <id>', 'merchant ID (default 1900000001)')
    .option('--appid <id>', 'AppID (default wx8888888888888888)')
    .option('--port <port>', 'port written into the profile baseUrl (default 8931)')
    .option('--merchants <n>', 'merchants served by one sandbox: profiles sandbox, sandbox-2, … (default 1)');
export type SandboxInitOptions = OptionsOf<typeof declareSandboxInit>;

const declareSandboxServe = (sandbox: Command) =>
  sandbox
    .command('serve')
    .description(
      'serve the simulator and its dashboard (loopback by default; prints the /sandbox/ui link); NDJSON log with --json',
    )
    .option('--dir <dir>', 'sandbox folder made by sandbox init', '.wxpay-sandbox')
    .option('--port <port>', 'port (default: the one given to init, else 8931; 0 = any free port)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--mode <mode>', 'cert | pubkey | mixed (default: the mode given to init)')
    .option('--auto-pay <ms>', 'pay every new order after this many ms')
    .option('--auto-refund <ms>', 'finish refunds as SUCCESS after this many ms, or "off"', '1000')
    .option('--time-scale <n>', 'divide the notification retry schedule by n', '1')
    .option('--refund-spacing <ms>', 'refunds of one order must be this far apart, as in production (0 = off)', '60000')
    .option('--state <file>', 'keep orders and refunds in this JSON file across restarts')
    .option('--quiet', 'no per-request log lines (only the startup and stop lines)')
    .option(
      '--sign-workers <n>',
      'answers signed at once off the event loop (default: one per core, at most 4; 0 = on the event loop)',
    )
    .option(
      '--clock <time>',
      "move the bill calendar, i.e. which days' bills exist: +2d, -3h or an ISO time (signatures keep the real clock)",
    );
export type SandboxServeOptions = OptionsOf<typeof declareSandboxServe>;

const declareSandboxComplaint = (sandbox: Command) =>
  sandbox
    .command('complaint')
    .description('the simulated payer files a complaint against a paid order on the running sandbox')
    .argument('<out_trade_no>', 'a paid order')
    .option('--id <complaint_id>', 'choose the 27-digit complaint id (default: a new one); payer images are <id>-1 …')
    .option('--phone <number>', 'the payer phone (sent to the merchant encrypted)', '13800138000')
    .option('--detail <text>', 'what the payer wrote')
    .option('--refund <fen>', 'make it a refund request for this many fen')
    .option('--images <n>', 'how many payer images to attach (0-4, default 1)');
export type SandboxComplaintOptions = OptionsOf<typeof declareSandboxComplaint>;

export function registerSandbox(program: Command, rt: Runtime): void {
  const sandbox = program
    .command('sandbox')
    .description('a local simulator of the WeChat Pay v3 server (no network, throwaway keys)');
  declareSandboxInit(sandbox)
    .addHelpText('after', '\nExample:\n  wxpay sandbox init --dir .wxpay-sandbox --mode pubkey --json')
    .action(lazy(rt, () => import('../commands/sandbox-init.js')));
  declareSandboxServe(sandbox)
    .addHelpText(
      'after',
      '\nThe dashboard link (dashboard: http://127.0.0.1:8931/sandbox/ui?token=…) carries a token new for each run:\nopen it in a browser to see orders, notifications, transfers, faults, keys and the clock.\n\nExample:\n  wxpay sandbox serve --dir .wxpay-sandbox --auto-pay 2000 --time-scale 60 --json',
    )
    .action(lazy(rt, () => import('../commands/sandbox-serve.js')));
  declareSandboxPay(sandbox)
    .addHelpText('after', '\nExample:\n  wxpay sandbox pay ORDER20240101001 --config .wxpay-sandbox/.wxpayrc.json')
    .action(lazy(rt, () => import('../commands/sandbox-pay.js')));
  declareSandboxRefund(sandbox)
    .addHelpText('after', '\nExample:\n  wxpay sandbox refund REFUND001 --fail --status CLOSED')
    .action(lazy(rt, () => import('../commands/sandbox-refund.js')));
  declareSandboxTransfer(sandbox)
    .addHelpText('after', '\nExample:\n  wxpay sandbox transfer TB20260101001')
    .action(lazy(rt, () => import('../commands/sandbox-transfer.js')));
  declareSandboxComplaint(sandbox)
    .addHelpText('after', '\nExample:\n  wxpay sandbox complaint ORDER20260101001 --phone 13800138000 --refund 100')
    .action(lazy(rt, () => import('../commands/sandbox-complaint.js')));
}
