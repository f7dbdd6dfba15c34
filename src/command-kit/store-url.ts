// Where `webhook serve` / `webhook migrate` find the store: --store, else WXPAY_STORE. Undefined: the file journal.
export function storeUrlOf(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const url = flag ?? env.WXPAY_STORE;
  return url === '' ? undefined : url;
}
