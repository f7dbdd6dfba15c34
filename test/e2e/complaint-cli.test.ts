// Issue 20 end to end, in both key modes, with the real bin/wxpay: a complaint filed on the sandbox, listed, shown
// (phone decrypted; --redact masks it), answered with an uploaded image, completed; a spawned `webhook serve`
// receives COMPLAINT.CREATE and both COMPLAINT.STATE_CHANGE notifications and journals their decrypted resource.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepay } from '../../src/api/transactions.js';
import { TINY_PNG, waitFor } from '../helpers/receiver.js';
import { inProcessClient, sandboxEnv, type Env } from './cmd-sandbox-helpers.js';
import { webhookServe, type Listener } from './webhook-serve-helper.js';

const PNG = TINY_PNG;

describe.each(['cert', 'pubkey'] as const)('complaint commands in %s mode', (mode) => {
  let env: Env;
  let hook: Listener;
  let outTradeNo: string;
  beforeAll(async () => {
    env = await sandboxEnv(mode);
    hook = await webhookServe(env.dir);
    const client = await inProcessClient(env);
    outTradeNo = `CP${Date.now()}`;
    await prepay(client, 'native', {
      appid: 'wx8888888888888888',
      description: 'Tea',
      outTradeNo,
      notifyUrl: 'http://127.0.0.1:9/n',
      total: 100,
    });
    await client.close();
    await env.admin('POST', `/sandbox/orders/${outTradeNo}/pay`);
  });
  afterAll(async () => {
    hook.child.kill('SIGTERM');
    await env.close();
  });

  const eventFor = (id: string, action: string) => () =>
    hook.events.find((e) => e.complaint_id === id && e.action_type === action && e.outcome === 'accepted');

  // About 15 CLI runs in a row (2-3 s each on a loaded machine): a time budget, not a timing claim.
  it('created, listed, shown, answered with an image, completed; webhook serve received and journaled each', async () => {
    const set = await env.cli(['complaint', 'notify-url', 'set', hook.url]);
    expect(set.code, set.stderr).toBe(0);
    expect((await env.cli(['complaint', 'notify-url', 'show', '--json'])).json()).toMatchObject({
      url: hook.url,
    });

    const filed = await env.cli(['sandbox', 'complaint', outTradeNo, '--phone', '13912345678', '--json']);
    expect(filed.code, filed.stderr).toBe(0);
    const id = filed.json<{ complaint_id: string }>().complaint_id;
    const created = await waitFor('COMPLAINT.CREATE at webhook serve', eventFor(id, 'CREATE_COMPLAINT'));
    expect(created.event_type).toBe('COMPLAINT.CREATE');

    const list = await env.cli(['complaint', 'list', '--json']);
    expect(list.json<Array<{ complaint_id: string }>>().map((c) => c.complaint_id)).toContain(id);
    const open = await env.cli(['complaint', 'list', '--open']);
    expect(open.stdout).toMatch(
      new RegExp(`${id}  PENDING .* reply by \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(China time\\)`),
    );

    const shown = await env.cli(['complaint', 'show', id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/payer_phone\s+13912345678/);
    const redacted = await env.cli(['complaint', 'show', id, '--redact', '--json']);
    expect(redacted.json()).toMatchObject({ complaint_id: id, payer_phone: '139****5678', complaint_state: 'PENDING' });
    expect(redacted.stdout).not.toContain('13912345678');

    writeFileSync(path.join(env.dir, 'reply.png'), PNG);
    const replied = await env.cli(['complaint', 'respond', id, '--text', '已为您全额退款', '--image', 'reply.png']);
    expect(replied.code, replied.stderr).toBe(0);
    expect(replied.stdout).toMatch(new RegExp(`replied to ${id} with 1 image\\(s\\): [0-9A-F]{32}\\.png`));
    await waitFor('MERCHANT_RESPONSE at webhook serve', eventFor(id, 'MERCHANT_RESPONSE'));

    const history = (await env.cli(['complaint', 'history', id, '--json'])).json<
      Array<{ operate_type: string; image_list: string[] }>
    >();
    expect(history.map((h) => h.operate_type)).toEqual(['USER_CREATE_COMPLAINT', 'MERCHANT_RESPONSE']);
    const got = await env.cli(['complaint', 'image', history[1]!.image_list[0]!, '--output', 'got.png']);
    expect(got.code, got.stderr).toBe(0);
    expect(readFileSync(path.join(env.dir, 'got.png')).equals(PNG)).toBe(true);

    const done = await env.cli(['complaint', 'complete', id]);
    expect(done.code, done.stderr).toBe(0);
    await waitFor('MERCHANT_CONFIRM_COMPLETE at webhook serve', eventFor(id, 'MERCHANT_CONFIRM_COMPLETE'));
    expect((await env.cli(['complaint', 'show', id, '--json'])).json()).toMatchObject({
      complaint_state: 'PROCESSED',
      deadline: null,
    });
    const again = await env.cli(['complaint', 'respond', id, '--text', 'x', '--json']);
    expect([again.code, again.error().code]).toEqual([5, 'WECHATPAY_ERROR']);

    const journal = readFileSync(path.join(env.dir, 'journal.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event_type?: string; outcome?: string; resource?: unknown });
    const resources = journal.filter((j) => j.outcome === 'accepted' && j.event_type?.startsWith('COMPLAINT.'));
    expect(resources.map((j) => j.resource)).toEqual([
      { complaint_id: id, action_type: 'CREATE_COMPLAINT' },
      { complaint_id: id, action_type: 'MERCHANT_RESPONSE' },
      { complaint_id: id, action_type: 'MERCHANT_CONFIRM_COMPLETE' },
    ]);

    // notify trigger knows the complaint events: same envelope (empty AAD), accepted by webhook serve.
    const sent = await env.cli(['notify', 'trigger', 'COMPLAINT.STATE_CHANGE', '--to', hook.url, '--sandbox-dir', '.']);
    expect(sent.code, sent.stderr).toBe(0);
    await waitFor('a triggered COMPLAINT.STATE_CHANGE', () =>
      hook.events.find((e) => e.event_type === 'COMPLAINT.STATE_CHANGE' && e.complaint_id !== id),
    );
  }, 180_000);
});

describe('media upload and image download refusals', () => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv('pubkey');
  });
  afterAll(async () => env.close());

  it('prints the media_id of an upload, refuses a GIF before sending, and a foreign image host (exit 2)', async () => {
    writeFileSync(path.join(env.dir, 'a.png'), PNG);
    const up = await env.cli(['media', 'upload', 'a.png', '--for', 'merchant']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    writeFileSync(path.join(env.dir, 'a.gif'), Buffer.from('GIF89a'));
    const before = await env.count('POST /v3/merchant-service/images/upload');
    const gif = await env.cli(['media', 'upload', 'a.gif', '--json']);
    expect([gif.code, gif.error().message]).toEqual([2, expect.stringMatching(/must end in \.jpg/)]);
    expect(await env.count('POST /v3/merchant-service/images/upload')).toBe(before);
    const foreign = await env.cli([
      'complaint',
      'image',
      'https://evil.example/v3/merchant-service/images/x',
      '--output',
      'x.png',
    ]);
    expect(foreign.code).toBe(2);
  });
});
