/** Distance in ulps between two doubles, for the deterministic-math tests. */
const bits = new BigInt64Array(1);
const asFloat = new Float64Array(bits.buffer);
/** Doubles mapped to integers in their order, so a difference counts ulps (−0 and +0 are 0 apart). */
const ordered = (x: number): bigint => {
  asFloat[0] = x;
  const b = bits[0] as bigint;
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
};
/** Signed ulps from b to a (0 when identical, including NaN = NaN and −0 vs −0). */
export const ulps = (a: number, b: number): number => (Object.is(a, b) ? 0 : Number(ordered(a) - ordered(b)));
