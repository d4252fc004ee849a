import { describe, expect, it } from 'vitest';
import { WORLDS } from '../../worlds/index.ts';
import { alphaMeaning, APP_WORLDS, showable, defaults, evolveConfig, FIELDS, MAX_QUERY, parseQuery, restartNeeded, toQuery, type Settings } from '../../src/ui/settings.ts';
import { validateEvolveConfig } from '../../src/experiments/evolve.ts';

// The app's one settings table: defaults, URL and validation. A link must never throw, and a bad
// field falls back on its own while the good ones are kept.
describe('app settings', () => {
  it('defaults: projectile with a rolling ball, landingError, a middle α; a valid evolve config', () => {
    const d = defaults();
    expect(d.world).toBe('projectile');
    expect(d.params.body).toBe('ball');
    expect(d.metric).toBe('landingError');
    expect(d.alpha).toBe(0.5);
    expect(() => validateEvolveConfig(evolveConfig(d))).not.toThrow();
    expect(toQuery(d)).toBe('');
  });

  it("the app's worlds are the registry's showable worlds, in its order, and each one's defaults make a valid run", () => {
    expect(APP_WORLDS.map((w) => w.id)).toEqual(WORLDS.filter(showable).map((w) => w.id));
    for (const w of APP_WORLDS) expect(() => validateEvolveConfig(evolveConfig(defaults(w.id))), w.id).not.toThrow();
  });

  it('a URL round-trips to the same settings', () => {
    const q = 'alpha=0.25&seed=7&feedback=binary&meta=false&p.gravity=12&metric=restError+%2B+bounces';
    const a = parseQuery(`?${q}`);
    expect(a.ignored).toEqual([]);
    expect(a.settings).toMatchObject({ alpha: 0.25, seed: 7, feedback: 'binary', meta: false, metric: 'restError + bounces' });
    expect(a.settings.params.gravity).toBe(12);
    const b = parseQuery(`?${toQuery(a.settings)}`);
    expect(b.settings).toEqual(a.settings);
    expect(() => validateEvolveConfig(evolveConfig(a.settings))).not.toThrow();
    // Another world: its own parameters and default metric.
    const h = parseQuery('?world=hoops&p.hoops=3');
    expect(h.ignored).toEqual([]);
    expect(h.settings.params.hoops).toBe(3);
    expect(parseQuery(`?${toQuery(h.settings)}`).settings).toEqual(h.settings);
  });

  it('hostile URLs fall back per field, say what was ignored, never throw', () => {
    const cases: [string, string][] = [
      ['?alpha=2&seed=3', 'alpha=2'],
      ['?alpha=NaN', 'alpha=NaN'],
      ['?alpha=', 'alpha='],
      ['?seed=-1', 'seed=-1'],
      ['?seed=1.5', 'seed=1.5'],
      ['?nope=1', 'nope: unknown setting'],
      ['?__proto__=1', '__proto__: unknown setting'],
      ['?__proto__[alpha]=0', '__proto__[alpha]: unknown setting'],
      ['?constructor=1', 'constructor: unknown setting'],
      ['?p.__proto__=1', 'p.__proto__: unknown setting'],
      ['?world=nowhere', 'world=nowhere'],
      ['?feedback=telepathy', 'feedback=telepathy'],
      ['?metric=landingError+%2B', 'metric=landingError +'],
      ['?metric=constructor.constructor', 'metric=constructor.constructor'],
      ['?p.gravity=1e999', 'p.gravity=1e999'],
      ['?alpha=%E0%A4%A', 'alpha='],
      ['?alpha=0.3&alpha=0.9', 'alpha=0.9: repeated'],
      [`?seed=1&x=${'a'.repeat(MAX_QUERY)}`, 'the whole query'],
    ];
    for (const [q, mention] of cases) {
      let r: ReturnType<typeof parseQuery> | undefined;
      expect(() => (r = parseQuery(q)), q).not.toThrow();
      expect(r!.ignored.join(' | '), q).toContain(mention);
      // The settings stay valid whatever came in.
      expect(() => validateEvolveConfig(evolveConfig(r!.settings)), q).not.toThrow();
      expect(Object.getPrototypeOf(r!.settings), q).toBe(Object.prototype);
    }
    const kept = parseQuery('?alpha=2&seed=3');
    expect(kept.settings.seed).toBe(3);
    expect(kept.settings.alpha).toBe(defaults().alpha);
  });

  it('only settings that shape the run restart it', () => {
    const a = defaults();
    for (const f of FIELDS) {
      const b: Settings = { ...a, params: { ...a.params } };
      const c = f.control;
      b[f.key] = c.kind === 'number' ? (a[f.key] === c.min ? c.max : c.min) : c.kind === 'boolean' ? !a[f.key] : c.kind === 'select' ? c.options.find((o) => o !== a[f.key]) : 'restError';
      expect(restartNeeded(a, b), f.key).toBe(f.restarts);
    }
    expect(restartNeeded(a, { ...a, params: { ...a.params, gravity: 5 } })).toBe(true);
  });
});

describe('the sentence beside the dial', () => {
  it('names what the gate asks at this α: agreement bar, verdicts per decision, allowed fall', () => {
    expect(alphaMeaning(0.75)).toBe(
      "α = 0.75: a proposed metric is adopted only when the anchors support it — agreement with ground truth ≥ 0.75 on at least 72 bought verdicts, and the best learner's ground truth may fall by 0.13 at most.",
    );
    expect(alphaMeaning(0.25)).toContain('≥ 0.25 on at least 8 bought verdicts');
    expect(alphaMeaning(0)).toMatch(/uncontrolled drift/);
    expect(alphaMeaning(1)).toMatch(/locked to the designer metric/);
  });
});
