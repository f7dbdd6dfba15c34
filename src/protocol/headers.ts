// Case-insensitive header access. Node lower-cases incoming names, fetch Headers too, captures store them
// lower-case, but users paste headers as WeChat Pay spells them (Wechatpay-Serial), so look up either way.

export type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null };

export function getHeader(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const bag = headers as Record<string, string | string[] | undefined>;
  const lower = name.toLowerCase();
  let value = bag[lower] ?? bag[name];
  if (value === undefined) {
    for (const key of Object.keys(bag)) {
      if (key.toLowerCase() === lower) {
        value = bag[key];
        break;
      }
    }
  }
  return Array.isArray(value) ? value[0] : value;
}

/** Lower-cases every name, keeping the first value of a repeated header. */
export function normalizeHeaders(headers: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  if (
    typeof (headers as { forEach?: unknown }).forEach === 'function' &&
    typeof (headers as { get?: unknown }).get === 'function'
  ) {
    (headers as unknown as { forEach(cb: (v: string, k: string) => void): void }).forEach((v, k) => {
      out[k.toLowerCase()] = v;
    });
    return out;
  }
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (v === undefined) continue;
    const key = k.toLowerCase();
    if (!(key in out)) out[key] = Array.isArray(v) ? (v[0] ?? '') : v;
  }
  return out;
}
