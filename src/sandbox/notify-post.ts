// One notification POST to the merchant's notify_url (http or https), as WeChat Pay sends it: its answer status and
// the first 4 KiB of its body; no answer within 5 s is an error, like a refused connection.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const ANSWER_TIMEOUT_MS = 5000;

export function postNotification(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  signal: AbortSignal,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(body.length), 'User-Agent': 'Mozilla/4.0' },
        timeout: ANSWER_TIMEOUT_MS,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 4096) chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
