// The app URL forwards go to (`webhook serve --forward-to`, `notify replay|recover --forward`). The forward POST
// (webhook/forward-post.ts, node:http) would send a URL's user:password@ as Basic auth, where fetch refused such a
// URL: refuse it here, before anything is sent, so a password never rides along to the app or into the banner and
// journal lines that print the URL. The app authenticates forwards by their Standard Webhooks signature.
import { WxpayError } from '../protocol/errors.js';

/** Throws the usage error for a forward URL that carries credentials; says nothing of what they were. */
export function refuseForwardCredentials(flag: string, url: string): void {
  if (!URL.canParse(url)) return; // the http(s) check that follows names what is wrong with it
  const { username, password } = new URL(url);
  if (username || password)
    throw new WxpayError('USAGE', `${flag} must not carry credentials (user:password@ in the URL)`, {
      hint: 'Drop the user:password@ part: the app checks forwards by their Standard Webhooks signature.',
    });
}
