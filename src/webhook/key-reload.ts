// Certificate mode: WeChat Pay rotates its platform certificates, and a callback signed with a new one carries a
// serial the listener has not loaded. Before answering 401 the listener reads platformCertDir again, at most once
// a second however many such callbacks arrive (a flood of made-up serials must not turn into a flood of reads).
import type { KeyStore } from '../protocol/keys.js';

export function throttledReload(
  reload: (() => Promise<KeyStore>) | undefined,
  now: () => number,
): (() => Promise<KeyStore | undefined>) | undefined {
  if (!reload) return undefined;
  let last = -Infinity;
  return async () => {
    if (now() - last < 1000) return undefined;
    last = now();
    return reload();
  };
}
