// A metric's default direction comes from the `better` of the measurements it reads, read
// through how the expression moves with each (senseOf). The sense rule is checked numerically on
// random expressions: wherever it claims a sense, raising the measurement never moves the value
// the other way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, inferDirection, MetricError, parse, resolveDirection, senseOf } from '../../src/metrics/index.ts';
import { projectile } from '../../worlds/projectile.ts';
import { exprArb, NAMES } from './arbitraries.ts';

const M = projectile.measurements;
const infer = (text: string) => inferDirection(parse(text, M), M);

describe('inferDirection on projectile', () => {
  it('one measurement: its own declaration', () => {
    expect(infer('timeInZone').direction).toBe('higher');
    expect(infer('restError').direction).toBe('lower');
    expect(infer('maxHeight')).toMatchObject({ direction: null, reason: 'maxHeight declares no better direction' });
  });

  it('reads signs, constants and steps', () => {
    expect(infer('restError - timeInZone').direction).toBe('lower');
    expect(infer('timeInZone - restError').direction).toBe('higher');
    expect(infer('-2 * restError').direction).toBe('higher');
    expect(infer('restError / 2 + 0.1 * bounces').direction).toBe('lower');
    expect(infer('restError / -2').direction).toBe('higher');
    expect(infer('threshold(timeInZone, 0.5)').direction).toBe('higher');
    expect(infer('restError < 0.5').direction).toBe('higher'); // 1 when the error is small
    expect(infer('min(restError, landingError)').direction).toBe('lower');
    expect(infer('log(1 + restError)').direction).toBe('lower');
    expect(infer('if(1, restError, landingError)').direction).toBe('lower');
  });

  it('no direction when the measurements disagree, declare none, or the sense is unknown', () => {
    expect(infer('timeInZone + restError')).toMatchObject({ direction: null, reason: expect.stringMatching(/^the measurements disagree: timeInZone .* higher, restError .* lower$/) });
    expect(infer('restError + maxHeight').reason).toBe('maxHeight declares no better direction');
    expect(infer('restError * timeInZone').reason).toMatch(/does not move one way with/);
    expect(infer('abs(restError)').direction).toBeNull();
    expect(infer('if(bounces > 0, restError, landingError)').direction).toBeNull();
    expect(infer('restError - restError').direction).toBeNull();
    expect(infer('1')).toMatchObject({ direction: null, reason: 'the expression reads no measurement' });
  });

  it('resolveDirection: a given direction wins; none throws direction-required', () => {
    const ast = parse('timeInZone + restError', M);
    expect(resolveDirection(ast, M, 'lower')).toBe('lower');
    expect(resolveDirection(parse('timeInZone', M), M)).toBe('higher');
    try {
      resolveDirection(ast, M);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MetricError);
      expect((err as MetricError).code).toBe('direction-required');
    }
  });
});

describe('senseOf is sound', () => {
  it('where it claims a sense, raising the measurement never moves the value the other way', () => {
    const valuesArb = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: NAMES.length, maxLength: NAMES.length });
    let claims = 0;
    fc.assert(
      fc.property(exprArb(5), fc.constantFrom(...NAMES), valuesArb, fc.double({ min: 1e-3, max: 10, noNaN: true }), (ast, name, xs, delta) => {
        const sense = senseOf(ast, name);
        if (sense === null) return;
        const at = Object.fromEntries(NAMES.map((n, i) => [n, xs[i] as number]));
        const v1 = evaluate(ast, at);
        const v2 = evaluate(ast, { ...at, [name]: (at[name] as number) + delta });
        if (!Number.isFinite(v1) || !Number.isFinite(v2)) return;
        claims++;
        // Rounding can move a sum by an ulp or so; a real violation is far larger.
        const tol = 1e-9 * Math.max(1, Math.abs(v1), Math.abs(v2));
        if (sense === 0) expect(Math.abs(v2 - v1)).toBeLessThanOrEqual(tol);
        else expect((v2 - v1) * sense).toBeGreaterThanOrEqual(-tol);
      }),
      { numRuns: 1500 },
    );
    expect(claims).toBeGreaterThan(100); // the property was exercised, not skipped
  });
});
