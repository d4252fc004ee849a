// The evolve experiment on a small configuration: a function of (config, seed); every decision
// recorded; the budget respected; α = 1 locked to the designer metric with the configured channel;
// the meta-agent shown measurements only (wall 1); the CLI's shapes and its refusals.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main, type CliIO } from '../../src/cli/main.ts';
import { runEvolve, validateEvolveConfig, type EvolveRecord } from '../../src/experiments/evolve.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { MetaAgent, type MetricView } from '../../src/meta/index.ts';
import { projectile } from '../../worlds/projectile.ts';

// gtLoss off: these tests are about the run itself; tests/experiments/dial.test.ts covers gtLoss and bias.
const SMALL = { world: 'projectile', generations: 5, population: 3, episodesPerGeneration: 64, anchorTasks: 8, probeTasks: 8, trainTasks: 32, evalTasks: 8, warmup: 1, seed: 11, gtLoss: false };

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), progress: false };
  return { code: await main(argv, io), out, err };
}

beforeAll(async () => {
  await initTfNode();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('evolve: a function of (config, seed)', () => {
  let a: EvolveRecord;
  beforeAll(async () => {
    a = await runEvolve({ ...SMALL, alpha: 0.5 });
  });

  it('same config and seed give the same JSON; another seed does not', async () => {
    const b = await runEvolve({ ...SMALL, alpha: 0.5 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = await runEvolve({ ...SMALL, alpha: 0.5, seed: 12 });
    expect(JSON.stringify(c.generations)).not.toBe(JSON.stringify(a.generations));
  });

  it('records per generation proxy, anchor and probe GT, disagreement, shift gap, lineage, d and budget', () => {
    expect(a.generations).toHaveLength(5);
    expect(Object.keys(a.generations[0]!).slice(0, 7)).toEqual(['gen', 'proxy', 'anchorGt', 'probeGt', 'disagreement', 'shiftGap', 'metric']);
    for (const g of a.generations) {
      // Pass rates over 8 tasks (eval, anchor and probe alike) averaged over 3 members: multiples of 1/24.
      for (const x of [g.proxy, g.anchorGt, g.probeGt]) expect(Math.abs(x * 24 - Math.round(x * 24))).toBeLessThan(1e-9);
      expect(g.d).toBeGreaterThanOrEqual(0);
      expect(g.budgetSpent).toBeLessThanOrEqual(24 + 4 * SMALL.anchorTasks);
      expect(g.members).toHaveLength(3);
    }
    expect(a.anchors.checksHash).toBe(projectile.checks.hash);
    expect(a.suites.anchor).toMatch(/^[0-9a-f]{64}$/);
    expect(a.lineage.metrics[0]).toMatchObject({ id: 'M0', expression: 'landingError', operator: 'designer metric' });
    expect(a.backend).toBe('wasm');
    expect(a.gao.points).toHaveLength(5);
  });

  it('records every decision: metric text, parent, operator, agreement, budget, accepted and why', () => {
    expect(a.decisions.length).toBeGreaterThan(0);
    for (const d of a.decisions) {
      expect(Object.keys(d).slice(0, 5)).toEqual(['gen', 'metric', 'agreement', 'accepted', 'reason']);
      expect(d.reason).toMatch(/^(accepted|rejected|undecided|fallback): /); // issue 15: undecided reviews and fallbacks are decisions too
      // A fallback to the start metric has no parent (it is the root of the lineage).
      if (d.kind === 'fallback' && d.metricId === 'M0') expect(d.parent).toBeNull();
      else expect(d.parent).toMatch(/^M\d+$/);
      expect(typeof d.operator).toBe('string');
      expect(d.agreement.n).toBeGreaterThanOrEqual(0);
      expect(d.budgetSpent).toBeGreaterThanOrEqual(0);
      // A fallback is the run's act, not a review: it carries no gate thresholds.
      if (d.kind === 'fallback') expect(d.thresholds).toBeNull();
      else expect(d.thresholds).toMatchObject({ alpha: 0.5 });
    }
  });

  it('an adopted metric is in force from the generation its lineage entry names', async () => {
    // α = 0 accepts every proposal, so even this small run adopts metrics; the check needs one.
    const open = await runEvolve({ ...SMALL, alpha: 0 });
    const last = open.generations.at(-1)!.gen;
    const adopted = open.lineage.metrics.slice(1).filter((m) => m.from <= last);
    expect(adopted.length).toBeGreaterThanOrEqual(1);
    for (const m of adopted) {
      const g = open.generations.find((x) => x.gen === m.from);
      expect(g, `generation ${m.from}`).toBeDefined();
      expect(g!.metric).toBe(m.expression);
      expect(open.decisions.some((d) => d.accepted && d.metric === m.expression && d.gen < m.from)).toBe(true);
    }
  });
});

describe('evolve: α at both ends', () => {
  it('α = 1 locks the metric to the designer metric (not ground truth), keeps the configured channel, and rejects every proposal', async () => {
    const r = await runEvolve({ ...SMALL, alpha: 1, feedback: 'hotcold' });
    expect(r.groundTruthMetric).toEqual({ expression: 'restError', direction: 'lower', threshold: 0.5 });
    expect(r.designerMetric).toMatchObject({ expression: 'landingError', direction: 'lower', threshold: 0.5 });
    expect(new Set(r.generations.map((g) => g.metric))).toEqual(new Set(['landingError']));
    expect(r.generations.every((g) => g.threshold === 0.5)).toBe(true);
    // The channel is its own setting at α = 1 too (issue 10: α = 1 no longer forces binary).
    expect(r.generations[0]!.members.map((m) => m.channel)).toEqual(Array(3).fill('hotcold'));
    expect(r.decisions.length).toBeGreaterThan(0);
    expect(r.decisions.every((d) => !d.accepted && /locked to the designer metric/.test(d.reason))).toBe(true);
  });

  it('α = 0 buys no ground truth: the gate is open', async () => {
    const r = await runEvolve({ ...SMALL, alpha: 0 });
    expect(r.generations.every((g) => g.budgetSpent === 0)).toBe(true);
    expect(r.decisions.every((d) => d.accepted)).toBe(true);
  });

  it('a zero budget makes the gate reject what it cannot verify', async () => {
    const r = await runEvolve({ ...SMALL, alpha: 0.8, anchorBudget: 0 });
    const proposals = r.decisions.filter((d) => d.operator !== 'revalidate');
    expect(proposals.length).toBeGreaterThan(0);
    expect(proposals.every((d) => !d.accepted && /could be bought/.test(d.reason))).toBe(true);
  });
});

describe('wall 1 in the runner', () => {
  it('the meta-agent is shown measurements only: no verdicts, no probe tasks, no world object', async () => {
    const views: MetricView[] = [];
    const spy = vi.spyOn(MetaAgent.prototype, 'proposeMetrics');
    spy.mockImplementation((view: MetricView) => {
      views.push(view);
      return { currentPreference: { passRate: 0, softMargin: 0, score: 0 }, candidates: [], submit: [] };
    });
    await runEvolve({ ...SMALL, alpha: 0 });
    expect(views.length).toBe(SMALL.generations - SMALL.warmup - 1);
    const names = new Set(projectile.measurements.map((m) => m.name));
    for (const v of views) {
      expect(Object.keys(v).sort()).toEqual(['current', 'currentId', 'generation', 'recent', 'reference']);
      expect(v.recent.length).toBe(3 * 64);
      expect(v.reference.length).toBe(3 * 64);
      for (const rec of [...v.recent, ...v.reference]) for (const k of Object.keys(rec)) expect(names.has(k), k).toBe(true);
    }
    // And the agent's world facts have no author's note on how a measurement can be gamed.
    const agentSpecs = (spy.mock.contexts[0] as MetaAgent).options.measurements;
    expect(agentSpecs.every((m) => !('gameable' in m))).toBe(true);
  });
});

describe('validation', () => {
  it('bad config fails fast with the field named', () => {
    expect(() => validateEvolveConfig({ world: 'projectile', alpha: 1.5 })).toThrow(/alpha/);
    expect(() => validateEvolveConfig({ world: 'balance', alpha: 0.5 })).toThrow(/world: "balance" .*one-shot world/);
    expect(() => validateEvolveConfig({ world: 'projectile', alpha: 0.5, wat: 1 })).toThrow(/wat/);
    expect(() => validateEvolveConfig({ world: 'projectile', alpha: 0.5, metric: { expression: 'landingEror', direction: 'lower', threshold: 1 } })).toThrow(/did you mean 'landingError'/);
    expect(() => validateEvolveConfig({ world: 'projectile', alpha: 0.5, learnerConfig: { width: -1 } })).toThrow(/width/);
  });
});

describe('mirage-lab evolve', () => {
  it('--json prints the documented shape', async () => {
    const r = await run('evolve', '--world', 'projectile', '--alpha', '0.8', '--generations', '3', '--population', '2', '--episodes', '32', '--warmup', '1', '--seed', '4', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j).slice(0, 5)).toEqual(['world', 'alpha', 'seed', 'generations', 'decisions']);
    expect([j.world, j.alpha, j.seed]).toEqual(['projectile', 0.8, 4]);
    expect(Object.keys(j.generations[0]).slice(0, 7)).toEqual(['gen', 'proxy', 'anchorGt', 'probeGt', 'disagreement', 'shiftGap', 'metric']);
    expect(j.generations).toHaveLength(3);
    // Three generations with one of warm-up leave one generation of proposals: the gate decides.
    expect(j.decisions.length).toBeGreaterThan(0);
    expect(Object.keys(j.decisions[0]).slice(0, 5)).toEqual(['gen', 'metric', 'agreement', 'accepted', 'reason']);
  });

  it('prints a row per generation and the closing summary', async () => {
    const r = await run('evolve', '--world', 'projectile', '--alpha', '0', '--generations', '3', '--population', '2', '--episodes', '32', '--warmup', '1');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/gen\s+episodes\s+proxy\s+anchorGt\s+probeGt\s+disagr\s+shiftGap\s+gtLoss\s+drift\s+bought\s+metric/);
    expect(lines.filter((l) => /^\s+\d+\s+\d+\s+[\d.]+/.test(l))).toHaveLength(3);
    expect(r.out).toMatch(/anchors [0-9a-f]{12} verified/);
    expect(r.out).toMatch(/Gao fit of gold vs d/);
  });

  const bad: Array<[string[], RegExp]> = [
    [['--world', 'nope', '--alpha', '0'], /world: "nope" .*one of projectile/],
    [['--world', 'projectile', '--alpha', '2'], /--alpha: "2" .*number from 0 to 1/],
    [['--world', 'projectile', '--alpha', 'abc'], /--alpha: "abc" .*number from 0 to 1/],
    [['--world', 'projectile'], /--alpha: null .*number from 0 to 1 \(or --sweep\)/],
    [['--world', 'projectile', '--alpha', '0.5', '--generations', '0'], /--generations: "0" .*whole number from 1/],
    [['--world', 'projectile', '--alpha', '0.5', '--population', '1'], /--population: "1" .*whole number from 2/],
    [['--world', 'projectile', '--alpha', '0.5', '--anchor-budget', '-3'], /--anchor-budget/],
    [['--world', 'projectile', '--alpha', '0.5', '--safeguard', 'vibes'], /--safeguard: "vibes" .*agreement, non-regression, quarantine/],
    [['--world', 'projectile', '--alpha', '0.5', '--set', 'gravity=99'], /--set gravity: 99/],
    [['--world', 'balance', '--alpha', '0.5'], /world: "balance" .*one-shot world/],
    [['--world', 'projectile', '--alpha', '0.5', '--sweep'], /--alpha: "0.5" .*no --alpha with --sweep/],
  ];
  for (const [argv, message] of bad) {
    it(`exits 2 on bad input: ${argv.join(' ')}`, async () => {
      const r = await run('evolve', ...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    });
  }
});

describe('mirage-lab metric check', () => {
  it('prints the normalised text and the measurements used', async () => {
    const r = await run('metric', 'check', '( restError+0.5*landingError )', '--world', 'projectile');
    expect(r.code).toBe(0);
    // issue 15: the check also prints the direction and where it came from.
    expect(r.out).toBe('restError + 0.5 * landingError\ndirection: lower (lower is better, as landingError (better: lower), restError (better: lower) declare)\nmeasurements: landingError (m, gameable), restError (m)\n');
    const j = JSON.parse((await run('metric', 'check', 'sensorTriggered', '--world', 'sensor', '--json')).out);
    expect(j).toMatchObject({ world: 'sensor', expression: 'sensorTriggered', measurements: [{ name: 'sensorTriggered', unit: 'flag', better: 'higher' }] });
  });

  it('names the position of an error (exit 2)', async () => {
    const r = await run('metric', 'check', 'restError + landingEror', '--world', 'projectile');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/expression: "restError \+ landingEror" is not allowed; expected a metric expression over projectile's measurements \(unknown measurement 'landingEror' at 1:13 — did you mean 'landingError'\?\)/);
  });

  const hostile: Array<[string, string, RegExp]> = [
    ['constructor escape', "constructor.constructor('x')()", /unknown measurement 'constructor' at 1:1/],
    ['__proto__', '__proto__', /unknown measurement '__proto__' at 1:1/],
    ['toString', 'toString', /unknown measurement 'toString'/],
    ['100,000 parentheses', '('.repeat(100_000), /expression too long \(100000 characters, limit 2000\)/],
    ['deep nesting within the length limit', `${'('.repeat(990)}restError${')'.repeat(990)}`, /deeper than|too deep/],
    ['a huge number', '1e999', /'1e999' at 1:1 is too large/],
    ['NaN', 'NaN', /'NaN' at 1:1 is not allowed/],
    ['property access', 'restError.constructor', /property access/],
    ['a string', '"x"', /no strings/],
  ];
  for (const [name, expression, message] of hostile) {
    it(`refuses ${name} with exit 2, in well under a second, with no stack trace`, async () => {
      const t0 = performance.now();
      const r = await run('metric', 'check', expression, '--world', 'projectile');
      const ms = performance.now() - t0;
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err.length).toBeLessThan(400); // the 100,000-character input is not echoed back
      expect(ms).toBeLessThan(250);
    });
  }
});
