// Bill amounts are yuan written as decimal text ("0.01", fees "0.00060"). The API speaks integer fen
// (docs/protocol.md §1 "Body rules"). These helpers convert exactly with BigInt, so no total is ever a float.

/** "12.34" -> 1234n at 2 decimals; "-0.00060" -> -60n at 5 decimals. Throws on anything else. */
export function yuanToUnits(text: string, decimals = 2): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a decimal amount`);
  const frac = m[3] ?? '';
  if (frac.length > decimals && /[1-9]/.test(frac.slice(decimals)))
    throw new RangeError(`"${text}" has more than ${decimals} decimals`);
  const units =
    BigInt(m[2]!) * 10n ** BigInt(decimals) + BigInt((frac.slice(0, decimals) || '0').padEnd(decimals, '0'));
  return m[1] ? -units : units;
}

/** 1234n (or 1234) at 2 decimals -> "12.34"; negative amounts keep their sign. */
export function unitsToYuan(units: bigint | number, decimals = 2): string {
  const v = BigInt(units);
  const abs = v < 0n ? -v : v;
  const scale = 10n ** BigInt(decimals);
  const frac = decimals > 0 ? `.${(abs % scale).toString().padStart(decimals, '0')}` : '';
  return `${v < 0n ? '-' : ''}${abs / scale}${frac}`;
}

export const fenToYuan = (fen: bigint | number): string => unitsToYuan(fen, 2);
export const yuanToFen = (text: string): bigint => yuanToUnits(text, 2);

/** Exact sum of yuan strings, written back with the given number of decimals. */
export function sumYuan(values: Iterable<string>, decimals = 2): string {
  let total = 0n;
  for (const v of values) total += yuanToUnits(v, decimals);
  return unitsToYuan(total, decimals);
}
