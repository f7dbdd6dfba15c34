// docs/protocol.md §13: the complaint notification URL, one per merchant: show, set (POST creates, PUT
// replaces) and delete. The complaint endpoints themselves are in api/complaints.ts.
import type { WxpayClient } from '../http/client.js';
import { COMPLAINT_PATHS } from './complaints.js';

export interface NotifyUrl {
  mchid: string;
  url: string;
}

const notifications = COMPLAINT_PATHS.notifications;

export async function getNotifyUrl(client: WxpayClient): Promise<NotifyUrl> {
  return (await client.request({ method: 'GET', path: notifications })).data as NotifyUrl;
}

/** POST creates the URL, PUT replaces an existing one (the same body). */
export async function putNotifyUrl(client: WxpayClient, url: string, exists: boolean): Promise<NotifyUrl> {
  const res = await client.request({ method: exists ? 'PUT' : 'POST', path: notifications, body: { url } });
  return res.data as NotifyUrl;
}

export async function deleteNotifyUrl(client: WxpayClient): Promise<void> {
  await client.request({ method: 'DELETE', path: notifications });
}
