/**
 * A hex digest over consequences in episode order. Two runs share a digest only if every
 * measured number, verdict and sampled trajectory value is bitwise identical.
 * sha-256 from @noble/hashes: audited, pure JS, synchronous, the same in Node and the browser.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Consequence } from './types.ts';

const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

/** Incremental digest of consequences; feed them in episode order. */
export class ConsequenceDigest {
  private readonly h = sha256.create();
  private count = 0;

  private num(x: number): void {
    scratch.setFloat64(0, x, true);
    this.h.update(scratchBytes);
  }

  private str(s: string): void {
    this.num(s.length);
    this.h.update(utf8ToBytes(s));
  }

  /** Absorbs one consequence: measurements in sorted key order, verdicts, trajectory. */
  add(c: Consequence): this {
    this.num(c.episode);
    this.num(c.steps);
    this.num((c.terminated ? 1 : 0) + (c.truncated ? 2 : 0) + (c.gtPass ? 4 : 0));
    const keys = Object.keys(c.measurements).sort();
    this.num(keys.length);
    for (const k of keys) {
      this.str(k);
      this.num(c.measurements[k] as number);
    }
    this.num(c.verdicts.length);
    for (const v of c.verdicts) {
      this.str(v.check);
      this.num(v.pass ? 1 : 0);
      this.num(v.margin);
    }
    const tr = c.trajectory;
    if (tr) {
      this.num(tr.t.length);
      this.h.update(new Uint8Array(tr.t.buffer, tr.t.byteOffset, tr.t.byteLength));
      for (const k of Object.keys(tr.channels).sort()) {
        const ch = tr.channels[k] as Float64Array;
        this.str(k);
        this.h.update(new Uint8Array(ch.buffer, ch.byteOffset, ch.byteLength));
      }
    } else {
      this.num(-1);
    }
    this.count++;
    return this;
  }

  /** Number of consequences absorbed so far. */
  get size(): number {
    return this.count;
  }

  /** The hex digest (finalises this digest). */
  hex(): string {
    return bytesToHex(this.h.digest());
  }
}

/** Digest of a list of consequences in the order given. */
export function digestConsequences(list: readonly Consequence[]): string {
  const d = new ConsequenceDigest();
  for (const c of list) d.add(c);
  return d.hex();
}
