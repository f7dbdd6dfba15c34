// The complaint commands' pure parts: deadlines (24 h to reply, 72 h to complete), the --redact mask, day
// arguments, 30-day list windows, which media URLs may receive a signed request, and webhook serve's live line.
import { describe, expect, it } from 'vitest';
import { dateWindows, type Complaint } from '../../src/api/complaints.js';
import { mediaDownloadPath } from '../../src/api/media.js';
import { deadlineOf, describeDeadline, maskPhone, parseDay } from '../../src/command-kit/complaint-view.js';
import { formatLive, liveEvent } from '../../src/webhook/live-line.js';

const at = (state: string) =>
  ({ complaint_time: '2026-03-20T14:00:00.000+08:00', complaint_state: state }) as unknown as Complaint;

describe('deadlines', () => {
  it('PENDING: reply within 24 h; PROCESSING: complete within 72 h; PROCESSED: none', () => {
    expect(deadlineOf(at('PENDING'))).toEqual({ due: 'reply', at: Date.parse('2026-03-21T14:00:00+08:00') });
    expect(deadlineOf(at('PROCESSING'))).toEqual({ due: 'complete', at: Date.parse('2026-03-23T14:00:00+08:00') });
    expect(deadlineOf(at('PROCESSED'))).toBeUndefined();
    const d = deadlineOf(at('PENDING'));
    expect(describeDeadline(d, Date.parse('2026-03-21T13:00:00+08:00'))).toBe('reply by 2026-03-21 14:00 (China time)');
    expect(describeDeadline(d, Date.parse('2026-03-21T15:00:00+08:00'))).toMatch(/OVERDUE$/);
  });
});

describe('arguments and windows', () => {
  const now = Date.parse('2026-03-20T18:00:00Z'); // 2026-03-21 02:00 in China
  it('reads days in China time', () => {
    expect(parseDay('today', '--until', now)).toBe('2026-03-21');
    expect(parseDay('yesterday', '--until', now)).toBe('2026-03-20');
    expect(parseDay('-29d', '--since', now)).toBe('2026-02-20');
    expect(parseDay('2026-01-02', '--since', now)).toBe('2026-01-02');
    expect(() => parseDay('2026-1-2', '--since', now)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
  it('cuts a range into windows of at most 30 days', () => {
    expect(dateWindows('2026-01-01', '2026-01-30')).toEqual([['2026-01-01', '2026-01-30']]);
    expect(dateWindows('2026-01-01', '2026-03-05')).toEqual([
      ['2026-01-01', '2026-01-30'],
      ['2026-01-31', '2026-03-01'],
      ['2026-03-02', '2026-03-05'],
    ]);
  });
  it('masks all but the first 3 and last 4 digits', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('12345')).toBe('*****');
  });
});

describe('complaint image URLs: a signed GET goes only to WeChat Pay or the profile host', () => {
  const api = 'https://api.mch.weixin.qq.com';
  it('takes the path of a WeChat Pay media_url, or of one on the configured sandbox', () => {
    expect(mediaDownloadPath(`${api}/v3/merchant-service/images/abc_DEF-1`, api)).toBe(
      '/v3/merchant-service/images/abc_DEF-1',
    );
    expect(mediaDownloadPath(`${api}/v3/merchant-service/images/x`, 'http://127.0.0.1:8931')).toBe(
      '/v3/merchant-service/images/x',
    );
    expect(mediaDownloadPath('http://127.0.0.1:8931/v3/merchant-service/images/x', 'http://127.0.0.1:8931')).toBe(
      '/v3/merchant-service/images/x',
    );
  });
  it('regression: refuses another host, another path and a path that climbs out', () => {
    expect(mediaDownloadPath('https://evil.example/v3/merchant-service/images/x', api)).toBeUndefined();
    expect(mediaDownloadPath(`${api}/v3/pay/transactions/id/1`, api)).toBeUndefined();
    expect(mediaDownloadPath(`${api}/v3/merchant-service/images/a/b`, api)).toBeUndefined();
    expect(mediaDownloadPath('not a url', api)).toBeUndefined();
  });
});

describe('webhook serve live line for a complaint event', () => {
  it('shows the complaint id and the action where an order shows out_trade_no and state', () => {
    const e = liveEvent(
      {
        id: 'EV-1',
        event_type: 'COMPLAINT.CREATE',
        resource: { complaint_id: '200020260320000000000000001', action_type: 'CREATE_COMPLAINT' },
        verification: 'ok PUB_KEY_ID_1 skew 0s',
      },
      204,
      'accepted',
    );
    expect(e).toMatchObject({ complaint_id: '200020260320000000000000001', action_type: 'CREATE_COMPLAINT' });
    expect(formatLive(e)).toContain('COMPLAINT.CREATE  complaint 200020260320000000000000001  -  CREATE_COMPLAINT');
  });
});
