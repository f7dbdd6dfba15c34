// `wxpay complaint list [--since] [--until] [--open] [--sub-mchid]`: every complaint in the range, all pages and
// 30-day windows fetched in turn (docs/protocol.md §13); --open keeps those still waiting, soonest deadline first.
import { dateWindows, listComplaints, type Complaint } from '../api/complaints.js';
import { withClient } from '../command-kit/client-context.js';
import { deadlineOf, describeDeadline, parseDay } from '../command-kit/complaint-view.js';
import { outputFor } from '../command-kit/shared.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { ComplaintListOptions } from '../cli/complaint.js';

export async function run(ctx: CommandContext<ComplaintListOptions>): Promise<void> {
  const now = ctx.rt.now();
  const until = parseDay(ctx.opts.until, '--until', now);
  const since = parseDay(ctx.opts.since, '--since', now);
  if (since > until)
    throw new WxpayError('USAGE', `--since ${since} is after --until ${until}`, { hint: 'e.g. --since -7d' });
  const all = await withClient(ctx, async ({ client }) => {
    const out: Complaint[] = [];
    for (const [beginDate, endDate] of dateWindows(since, until))
      out.push(...(await listComplaints(client, { beginDate, endDate, complaintedMchid: ctx.opts.subMchid })));
    return out;
  });
  const shown = ctx.opts.open
    ? all.filter((c) => deadlineOf(c) !== undefined).sort((a, b) => (deadlineOf(a)?.at ?? 0) - (deadlineOf(b)?.at ?? 0))
    : all;
  const out = outputFor(ctx);
  if (out.json) {
    out.data(shown.map((c) => ({ ...c, deadline: deadlineOf(c) ?? null })));
    return;
  }
  for (const c of shown) {
    const amount = (c.complaint_order_info ?? []).reduce((sum, o) => sum + o.amount, 0);
    const waiting = c.incoming_user_response ? '  user waiting' : '';
    out.line(
      `${c.complaint_id}  ${c.complaint_state.padEnd(10)}  ${c.complaint_time}  ${amount} fen  ` +
        `${c.problem_description}  ${describeDeadline(deadlineOf(c), now)}${waiting}`,
    );
  }
  out.note(`${shown.length} complaint(s)${ctx.opts.open ? ' waiting for you' : ''}, ${since} to ${until} (China time)`);
}
