// A terminal QR code for a Native code_url (prepay --qr and the demo), drawn by qrcode-terminal. Against the sandbox
// the QR carries the simulated payer's page instead (issue 21): a phone's camera opens it in a browser, where the
// weixin:// code_url would need WeChat and a real order.
import { OFFICIAL_API_HOSTS } from '../protocol/hosts.js';
import { payerPageUrl } from '../sandbox/pay-links.js';

export async function renderQr(text: string): Promise<string> {
  const { default: qrcode } = await import('qrcode-terminal');
  return new Promise((resolve) =>
    qrcode.generate(text, { small: true }, (qr: string) => resolve(qr.replace(/\n+$/, ''))),
  );
}

/** The sandbox payer page a code_url opens, when the base URL is not WeChat Pay's and the sandbox made the code_url. */
export function sandboxPayerPage(codeUrl: string, baseUrl: string): string | undefined {
  if (OFFICIAL_API_HOSTS.includes(new URL(baseUrl).hostname)) return undefined;
  return payerPageUrl(codeUrl, baseUrl);
}
