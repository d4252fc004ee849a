import { describe, expect, it } from 'vitest';
import { AnchorOracle, BudgetExhaustedError, type AnchorMatrix } from '../../src/anchors/oracle.ts';
import { parseMetric } from '../../src/metrics/index.ts';

/** A 3 × 4 matrix with known verdicts: member m, task t has restError (m + t) / 4, margin 0.5 − restError. */
function matrix(): AnchorMatrix {
  const consequences = [0, 1, 2].map((m) =>
    [0, 1, 2, 3].map((t) => {
      const e = (m + t) / 4;
      const margin = 0.5 - e;
      return { measurements: { restError: e }, verdicts: [{ check: 'restsInZone', pass: margin >= 0, margin }], gtPass: margin >= 0, trajectory: 'not for the oracle' };
    }),
  );
  return { members: ['a', 'b', 'c'], tasks: ['anchor:0', 'anchor:1', 'anchor:2', 'anchor:3'], consequences };
}

describe('AnchorOracle', () => {
  it('gives measurements and metric values for free', () => {
    const o = new AnchorOracle(matrix(), { budget: 0 });
    expect(o.measurements(1, 2)).toEqual({ restError: 0.75 });
    expect(Object.isFrozen(o.measurements(1, 2))).toBe(true);
    const m = parseMetric({ expression: 'restError * 4', direction: 'lower', threshold: 2 }, ['restError']);
    expect(o.values(m)).toEqual([
      [0, 1, 2, 3],
      [1, 2, 3, 4],
      [2, 3, 4, 5],
    ]);
    expect(o.spent).toBe(0);
  });

  it('charges one unit per new verdict, re-reads are free, and past the budget it throws', () => {
    const o = new AnchorOracle(matrix(), { budget: 3 });
    expect(o.query(0, 0)).toEqual({ member: 0, task: 0, pass: true, margin: 0.5 });
    expect(o.query(2, 3)).toEqual({ member: 2, task: 3, pass: false, margin: 0.5 - 5 / 4 });
    expect(o.query(0, 0).margin).toBe(0.5); // already bought
    expect([o.spent, o.remaining]).toEqual([2, 1]);
    o.query(1, 1);
    expect(() => o.query(1, 2)).toThrow(BudgetExhaustedError);
    expect(() => o.query(1, 2)).toThrow('anchor budget exhausted: 3 of 3 ground-truth verdicts spent this generation, 1 more requested');
    expect(o.spent).toBe(3);
    expect(o.query(2, 3).pass).toBe(false); // still free: known
    expect(o.revealed().map((v) => [v.member, v.task])).toEqual([
      [0, 0],
      [2, 3],
      [1, 1],
    ]);
    expect(o.evidence()).toEqual([
      { measurements: { restError: 0 }, margin: 0.5, pass: true },
      { measurements: { restError: 1.25 }, margin: -0.75, pass: false },
      { measurements: { restError: 0.5 }, margin: 0, pass: true },
    ]);
  });

  it('queryAll is all or nothing', () => {
    const o = new AnchorOracle(matrix(), { budget: 4 });
    o.query(0, 0);
    const row = [0, 1, 2, 3].map((task) => ({ member: 0, task }));
    expect(o.costOf([...row, ...row])).toBe(3);
    expect(o.queryAll(row).map((v) => v.pass)).toEqual([true, true, true, false]);
    expect(o.spent).toBe(4);
    expect(() => o.queryAll([{ member: 1, task: 0 }, { member: 1, task: 1 }])).toThrow(BudgetExhaustedError);
    expect(o.isRevealed(1, 0)).toBe(false);
  });

  it('hides verdicts from a holder that does not pay', () => {
    const o = new AnchorOracle(matrix(), { budget: 5 });
    const text = JSON.stringify(o) + JSON.stringify(Object.getOwnPropertyNames(o)) + String(Reflect.ownKeys(o).length);
    expect(text).not.toMatch(/margin|pass|verdict|trajectory/);
    for (const key of Reflect.ownKeys(o)) expect(JSON.stringify((o as unknown as Record<PropertyKey, unknown>)[key])).not.toMatch(/margin|pass/);
    expect(o.spent).toBe(0);
  });

  it('is deterministic: the same queries give the same answers', () => {
    const cells = [
      [2, 1],
      [0, 3],
      [1, 0],
    ] as const;
    const run = () => {
      const o = new AnchorOracle(matrix(), { budget: 10 });
      return cells.map(([m, t]) => o.query(m, t));
    };
    expect(run()).toEqual(run());
  });

  it('validates its input', () => {
    expect(() => new AnchorOracle(matrix(), { budget: -1 })).toThrow(RangeError);
    expect(() => new AnchorOracle(matrix(), { budget: 1.5 })).toThrow(RangeError);
    expect(() => new AnchorOracle({ ...matrix(), members: ['a', 'a', 'b'] }, { budget: 1 })).toThrow(/unique/);
    expect(() => new AnchorOracle({ ...matrix(), tasks: ['x'] }, { budget: 1 })).toThrow(RangeError);
    expect(() => new AnchorOracle(matrix(), { budget: 1 }).query(3, 0)).toThrow(RangeError);
    expect(new AnchorOracle(matrix(), { budget: Infinity }).remaining).toBe(Infinity);
  });

  it('explored rows are cells to buy below the members, never members', () => {
    const base = matrix();
    const row = (e: number) => [0, 1, 2, 3].map(() => ({ measurements: { restError: e }, verdicts: [{ check: 'restsInZone', pass: e <= 0.5, margin: 0.5 - e }], gtPass: e <= 0.5 }));
    const o = new AnchorOracle({ ...base, explored: [row(0.1), row(2)] }, { budget: 10 });
    expect([o.members.length, o.rows]).toEqual([3, 5]);
    // values (and so every member ranking) cover the members only.
    expect(o.values(parseMetric({ expression: 'restError', direction: 'lower', threshold: 0.5 }, ['restError']))).toHaveLength(3);
    expect(o.measurements(3, 0)).toEqual({ restError: 0.1 });
    expect(o.query(3, 2)).toEqual({ member: 3, task: 2, pass: true, margin: 0.4 });
    expect(o.query(4, 0).pass).toBe(false);
    expect(o.evidence()).toEqual([
      { measurements: { restError: 0.1 }, margin: 0.4, pass: true },
      { measurements: { restError: 2 }, margin: -1.5, pass: false },
    ]);
    expect(() => o.query(5, 0)).toThrow('member index 5 out of range [0, 5)');
    expect(() => new AnchorOracle({ ...base, explored: [row(0.1).slice(1)] }, { budget: 1 })).toThrow('explored row 0: 3 consequences for 4 anchor tasks');
  });
});
