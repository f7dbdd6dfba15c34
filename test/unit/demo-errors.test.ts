// Issue 15 "exit mapping leaks": a demo step that fails threw a plain Error, which the reporter calls a bug in
// wxpay (exit 1). Each failure is now a WxpayError whose code says what went wrong, so `wxpay demo` exits with it.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectDelivered, expectState } from '../../src/demo/expect.js';
import type { LiveEvent } from '../../src/webhook/live-line.js';
import { redactUrl } from '../../src/protocol/redact.js';
import { repoRoot } from '../helpers/paths.js';

const event = (over: Partial<LiveEvent>): LiveEvent => ({ status: 200, outcome: 'accepted', ...over }) as LiveEvent;

describe('demo steps fail with typed errors', () => {
  it('an unexpected state is WECHATPAY_ERROR (exit 5), not INTERNAL', () => {
    expect(() => expectState('trade_state', 'NOTPAY', 'SUCCESS')).toThrow(
      expect.objectContaining({
        code: 'WECHATPAY_ERROR',
        exitCode: 5,
        message: 'trade_state is NOTPAY, expected SUCCESS',
      }),
    );
    expect(() => expectState('trade_state', 'SUCCESS', 'SUCCESS')).not.toThrow();
  });

  it('a notification the listener rejected or failed is NOTIFY_DELIVERY_FAILED (exit 4)', () => {
    expect(() => expectDelivered(event({ outcome: 'rejected', verification: 'bad signature' }))).toThrow(
      expect.objectContaining({ code: 'NOTIFY_DELIVERY_FAILED', exitCode: 4 }),
    );
    expect(() => expectDelivered(event({ status: 500, outcome: 'error' }))).toThrow(
      expect.objectContaining({ code: 'NOTIFY_DELIVERY_FAILED', message: 'the listener answered 500 (error)' }),
    );
    const ok = event({});
    expect(expectDelivered(ok)).toBe(ok);
  });

  it('src/demo/ throws no plain Error', () => {
    const dir = path.join(repoRoot, 'src', 'demo');
    const plain = readdirSync(dir).filter((f) => /\bnew Error\(/.test(readFileSync(path.join(dir, f), 'utf8')));
    expect(plain).toEqual([]);
  });
});

describe('redactUrl: the one place a download token is hidden', () => {
  it('hides the token wherever it is in the query', () => {
    expect(redactUrl('https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc&tartype=gzip')).toBe(
      'https://api.mch.weixin.qq.com/v3/billdownload/file?token=…&tartype=gzip',
    );
    expect(redactUrl('http://127.0.0.1:1/x?source=elecsign&token=s3cret')).toBe(
      'http://127.0.0.1:1/x?source=elecsign&token=…',
    );
    expect(redactUrl('http://h/x?notatoken=1')).toBe('http://h/x?notatoken=1');
  });
});
