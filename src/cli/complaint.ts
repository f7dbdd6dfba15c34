// Declarations: wxpay complaint list | show | history | respond | complete | refund-progress | image |
// notify-url set|show|delete (consumer complaints, issue 20). Actions lazy-import src/commands/complaint-*.
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { collect, ex, lazy, type OptionsOf } from './lazy.js';

const ID = ['<complaint_id>', 'the complaint, from `wxpay complaint list`'] as const;
const SUB = ['--sub-mchid <id>', 'partner mode: the sub-merchant complained about'] as const;

const declareList = (complaint: Command) =>
  complaint
    .command('list')
    .description('complaints in a date range (China time), every page; --open: those still waiting, with deadlines')
    .option('--since <day>', 'first day: YYYY-MM-DD, today, yesterday or -<n>d', '-29d')
    .option('--until <day>', 'last day (ranges over 30 days are fetched 30 days at a time)', 'today')
    .option('--open', 'only complaints still waiting for a reply or for completion, soonest deadline first')
    .option(...SUB);
export type ComplaintListOptions = OptionsOf<typeof declareList>;

const declareShow = (complaint: Command) =>
  complaint
    .command('show')
    .description("one complaint, its deadline, and the payer's phone decrypted with the merchant private key")
    .argument(...ID)
    .option('--redact', 'mask the phone number (138****8000)');
export type ComplaintShowOptions = OptionsOf<typeof declareShow>;

const declareRespond = (complaint: Command) =>
  complaint
    .command('respond')
    .description('reply to the payer; each --image is uploaded first (JPG/PNG/BMP, at most 2 MiB, at most 4)')
    .argument(...ID)
    .option('--text <text>', '(required) the reply, at most 200 characters')
    .option('--image <file>', 'an image to attach (repeatable)', collect)
    .option('--jump-url <url>', 'an https link shown under the reply')
    .option('--jump-url-text <text>', 'the text of that link')
    .option(...SUB);
export type ComplaintRespondOptions = OptionsOf<typeof declareRespond>;

const declareComplete = (complaint: Command) =>
  complaint
    .command('complete')
    .description('mark a complaint as handled (after a reply)')
    .argument(...ID)
    .option(...SUB);
export type ComplaintCompleteOptions = OptionsOf<typeof declareComplete>;

const declareRefundProgress = (complaint: Command) =>
  complaint
    .command('refund-progress')
    .description('approve or reject the refund a complaint asks for')
    .argument(...ID)
    .option('--action <action>', '(required) APPROVE or REJECT')
    .option('--launch-refund-day <n>', 'APPROVE: working days until the refund starts (0 = today)')
    .option('--reject-reason <text>', 'REJECT: (required) why, shown to the payer')
    .option('--reject-image <file>', 'REJECT: an image as evidence (repeatable)', collect)
    .option('--remark <text>', 'a note');
export type ComplaintProgressOptions = OptionsOf<typeof declareRefundProgress>;

const declareImage = (complaint: Command) =>
  complaint
    .command('image')
    .description('download a complaint image (a media_url from show or history) with a signed request')
    .argument('<media_url>', 'https://api.mch.weixin.qq.com/v3/merchant-service/images/…')
    .option('--output <file>', '(required) where to save it');
export type ComplaintImageOptions = OptionsOf<typeof declareImage>;

export function registerComplaint(program: Command, rt: Runtime): void {
  const complaint = program
    .command('complaint')
    .description('consumer complaints (消费者投诉): list, read, answer and close them');
  declareList(complaint)
    .addHelpText(
      'after',
      ex('  wxpay complaint list --open\n  wxpay complaint list --since 2026-01-01 --until 2026-01-31 --json'),
    )
    .action(lazy(rt, () => import('../commands/complaint-list.js')));
  declareShow(complaint)
    .addHelpText('after', ex('  wxpay complaint show 200201820200101080076610000 --redact'))
    .action(lazy(rt, () => import('../commands/complaint-show.js')));
  complaint
    .command('history')
    .description('the negotiation history of a complaint, oldest first')
    .argument(...ID)
    .addHelpText('after', ex('  wxpay complaint history 200201820200101080076610000'))
    .action(lazy(rt, () => import('../commands/complaint-history.js')));
  declareRespond(complaint)
    .addHelpText(
      'after',
      ex('  wxpay complaint respond 200201820200101080076610000 --text "已为您退款" --image receipt.png'),
    )
    .action(lazy(rt, () => import('../commands/complaint-respond.js')));
  declareComplete(complaint)
    .addHelpText('after', ex('  wxpay complaint complete 200201820200101080076610000'))
    .action(lazy(rt, () => import('../commands/complaint-complete.js')));
  declareRefundProgress(complaint)
    .addHelpText(
      'after',
      ex('  wxpay complaint refund-progress 200201820200101080076610000 --action APPROVE --launch-refund-day 0'),
    )
    .action(lazy(rt, () => import('../commands/complaint-refund-progress.js')));
  declareImage(complaint)
    .addHelpText(
      'after',
      ex('  wxpay complaint image https://api.mch.weixin.qq.com/v3/merchant-service/images/xxxxx --output img.png'),
    )
    .action(lazy(rt, () => import('../commands/complaint-image.js')));
  const url = complaint
    .command('notify-url')
    .description('the URL that receives COMPLAINT.CREATE and COMPLAINT.STATE_CHANGE');
  url
    .command('set')
    .description('create or replace it')
    .argument('<url>', 'an https:// URL')
    .addHelpText('after', ex('  wxpay complaint notify-url set https://example.com/wxpay/complaints'))
    .action(lazy(rt, () => import('../commands/complaint-notify-url-set.js')));
  url
    .command('show')
    .description('print it')
    .action(lazy(rt, () => import('../commands/complaint-notify-url-show.js')));
  url
    .command('delete')
    .description('remove it: no more complaint notifications')
    .action(lazy(rt, () => import('../commands/complaint-notify-url-delete.js')));
}
