// The safeguard leaderboard (`mirage-lab run safeguards`): its registry, its config, its ranking
// on hand-written rows (so it can be seen to rank wrongly), then one real quick run through the
// CLI — every registered safeguard ranked on every world, each one firing at least once (issue
// 15: a safeguard that cannot act is not one a researcher can compare), and the bar charts drawn.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedDecision, SAFEGUARD_KINDS, SAFEGUARDS, safeguardFired, type RecordedRefusal } from '../../src/anchors/safeguards.ts';
import { main } from '../../src/cli/main.ts';
import { getExperiment, parseExperimentConfig } from '../../src/experiments/registry.ts';
import { defaultLeaderboardWorlds, honeypotWorlds, leaderboard, OPEN_GATE, plannedRuns, safeguardsConfigSchema, safeguardsResultsSchema, type RunRow, type SafeguardsResults } from '../../src/experiments/safeguards.ts';
import { WORLDS } from '../../worlds/index.ts';

const refusal = (kind: RecordedRefusal['kind'], outcome: string, rollback: RecordedRefusal['rollback'] = null): RecordedRefusal => ({ kind, outcome, reason: `${outcome}: …`, rollback });
const advice = { generation: 3, metric: { expression: 'restError', direction: 'lower' as const, threshold: 0.5 }, d: 1, peak: 1 };

describe('the safeguard registry', () => {
  it('lists each safeguard once, with a summary and when it does nothing; evolve accepts every id', () => {
    expect(new Set(SAFEGUARD_KINDS).size).toBe(SAFEGUARDS.length);
    for (const s of SAFEGUARDS) {
      expect(s.summary.length).toBeGreaterThan(20);
      expect(s.idle.length).toBeGreaterThan(20);
      expect(typeof s.create({ alpha: 0.5, groundTruth: null, seed: 1 }).review).toBe('function');
    }
    expect(() => parseExperimentConfig(getExperiment('evolve'), { safeguard: 'nope' })).toThrow(/safeguard/);
  });

  it('a changed decision: a proposal not accepted, a metric in force rejected — not an undecided re-validation, not a fallback', () => {
    expect(changedDecision(refusal('proposal', 'rejected'))).toBe(true);
    expect(changedDecision(refusal('proposal', 'undecided'))).toBe(true);
    expect(changedDecision(refusal('proposal', 'accepted'))).toBe(false);
    expect(changedDecision(refusal('revalidation', 'rejected'))).toBe(true);
    expect(changedDecision(refusal('revalidation', 'undecided'))).toBe(false); // the metric stays, as with the open gate
    expect(changedDecision(refusal('fallback', 'fallback'))).toBe(false);
  });

  it('the quarantine is credited with its own fall test only, not with its inner gate', () => {
    expect(safeguardFired('quarantine', refusal('proposal', 'rejected'))).toBe(false);
    expect(safeguardFired('quarantine', refusal('revalidation', 'rejected', advice))).toBe(true);
    expect(safeguardFired('agreement', refusal('proposal', 'rejected'))).toBe(true);
    expect(safeguardFired('non-regression', refusal('proposal', 'accepted'))).toBe(false);
  });
});

describe('the leaderboard config', () => {
  it('defaults to projectile with a ball and every evolvable honeypot', () => {
    const titled = WORLDS.filter((w) => /honeypot/i.test(w.title)).map((w) => w.id);
    expect(honeypotWorlds().sort()).toEqual(titled.sort()); // every honeypot here is one-shot with task features
    expect(honeypotWorlds().length).toBeGreaterThanOrEqual(3);
    expect(defaultLeaderboardWorlds()[0]).toEqual({ world: 'projectile', params: { body: 'ball' } });
    const cfg = safeguardsConfigSchema.parse({});
    expect(cfg.safeguards).toEqual([...SAFEGUARD_KINDS]);
    // Same seeds for every (world, safeguard), the open gate first.
    const plan = plannedRuns({ ...cfg, seeds: 2 });
    expect(plan).toHaveLength(defaultLeaderboardWorlds().length * 2 * (SAFEGUARD_KINDS.length + 1));
    expect(plan.slice(0, SAFEGUARD_KINDS.length + 1).map((p) => [p.kind, p.seed])).toEqual([[null, 1], ...SAFEGUARD_KINDS.map((k) => [k, 1])]);
  });

  it('refuses bad input before any run, naming the field', () => {
    const bad = (input: unknown) => safeguardsConfigSchema.safeParse(input);
    expect(bad({ worlds: [{ world: 'nope' }] }).error?.issues[0]?.message).toMatch(/world.*one of/);
    expect(bad({ worlds: [{ world: 'balance' }] }).error?.issues[0]?.message).toMatch(/one-shot world/);
    expect(bad({ worlds: [{ world: 'projectile', params: { body: 'anvil' } }] }).success).toBe(false);
    expect(bad({ safeguards: ['nope'] }).success).toBe(false);
    expect(bad({ evolve: { alpha: 0 } }).error?.issues[0]?.path).toEqual(['evolve', 'alpha']);
    expect(bad({ evolve: { generations: 5 } }).error?.issues[0]?.path).toEqual(['evolve', 'generations']); // a top-level field: never silently overridden
    expect(bad({ evolve: { probeTasks: 0 } }).success).toBe(false);
  });
});

describe('ranking (hand-written rows)', () => {
  const cfg = safeguardsConfigSchema.parse({ worlds: [{ world: 'sensor' }], seeds: 2, safeguards: ['agreement', 'non-regression', 'quarantine'] });
  const row = (safeguard: string, seed: number, gtKept: number, gtLoss: number | null, verdictsSpent = 100, fired = 1): RunRow => ({
    world: 'sensor', label: 'sensor', params: {}, safeguard, alpha: 0.75, seed, gtKept, gtBest: 0.9, gtDrop: 0.9 - gtKept, probeGt: gtKept / 2, gtLoss, verdictsSpent, reviews: 10, fired, fallbacks: 0, metricsAdopted: 1, finalMetric: 'restError ≤ 0.2', fires: [],
  });

  it('ranks by gtKept (higher first) while gtLoss is missing, ties to fewer verdicts; the open gate is shown, not ranked', () => {
    const rows = [row(OPEN_GATE, 1, 0.9, null, 0, 0), row(OPEN_GATE, 2, 0.9, null, 0, 0), row('agreement', 1, 0.5, null), row('agreement', 2, 0.7, null), row('non-regression', 1, 0.6, null, 50), row('non-regression', 2, 0.6, null, 50), row('quarantine', 1, 0.6, null, 400), row('quarantine', 2, 0.6, null, 400)];
    const r = leaderboard(cfg, rows);
    expect(safeguardsResultsSchema.safeParse(r).success).toBe(true);
    expect(r.worlds[0]?.rankedBy).toBe('gtKept');
    expect(r.leaderboard.map((b) => [b.safeguard, b.rank])).toEqual([['non-regression', 1], ['agreement', 2], ['quarantine', 3], [OPEN_GATE, null]]);
    const agreement = r.leaderboard.find((b) => b.safeguard === 'agreement')!;
    expect(agreement.gtKept.mean).toBeCloseTo(0.6, 12);
    expect(agreement.gtKept.sd).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(agreement.gtKeptVsOpen).toBeCloseTo(-0.3, 12);
    expect(agreement.fired).toBe(2);
    expect(r.overall.map((o) => o.safeguard)).toEqual(['non-regression', 'agreement', 'quarantine']);
  });

  it('ranks by gtLoss (lower first) once every safeguard measured it', () => {
    const rows = [row('agreement', 1, 0.9, 0.3), row('agreement', 2, 0.9, 0.3), row('non-regression', 1, 0.1, 0.05), row('non-regression', 2, 0.1, 0.05), row('quarantine', 1, 0.5, 0.2), row('quarantine', 2, 0.5, 0.2)];
    const r = leaderboard({ ...cfg, reference: false }, rows);
    expect(r.worlds[0]?.rankedBy).toBe('gtLoss');
    expect(r.leaderboard.map((b) => b.safeguard)).toEqual(['non-regression', 'quarantine', 'agreement']);
    expect(r.overall[0]).toMatchObject({ safeguard: 'non-regression', meanRank: 1, gtLoss: 0.05 });
  });
});

describe('mirage-lab run safeguards --quick', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mirage-safeguards-'));
  let results: SafeguardsResults;
  beforeAll(async () => {
    const code = await main(['run', 'safeguards', '--quick', '--out', root, '--quiet', '--workers', '2'], { out: () => undefined, err: (t) => void process.stderr.write(`${t}\n`), progress: false });
    expect(code).toBe(0);
    results = (JSON.parse(readFileSync(path.join(root, 'summary.json'), 'utf8')) as { results: SafeguardsResults }).results;
  }, 1_800_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('ranks every registered safeguard on every world (the quick preset leaves the open gate out)', () => {
    expect(safeguardsResultsSchema.safeParse(results).success).toBe(true);
    const worlds = defaultLeaderboardWorlds();
    expect(results.worlds.map((w) => w.world)).toEqual(worlds.map((w) => w.world));
    for (const w of results.worlds) {
      const mine = results.leaderboard.filter((b) => b.label === w.label);
      expect(mine.filter((b) => b.rank !== null).map((b) => b.rank)).toEqual(SAFEGUARD_KINDS.map((_, i) => i + 1));
      expect(mine.map((b) => b.safeguard).sort()).toEqual([...SAFEGUARD_KINDS].sort());
    }
    // Every safeguard bought evidence somewhere (non-regression buys none where both metrics crown the same learner).
    for (const kind of SAFEGUARD_KINDS) expect(results.runs.filter((x) => x.safeguard === kind).some((x) => x.verdictsSpent > 0), kind).toBe(true);
    // gtLoss is measured wherever the world has a ground-truth metric to train the reference on.
    expect(results.runs.filter((x) => x.world !== 'flip').every((x) => x.gtLoss !== null)).toBe(true);
  });

  it.each(SAFEGUARD_KINDS)('%s fires at least once, by its own rule', (kind) => {
    const runs = results.runs.filter((r) => r.safeguard === kind);
    const fires = runs.flatMap((r) => r.fires);
    expect(fires.length, `${kind} changed no gate decision in the quick preset`).toBeGreaterThan(0);
    expect(runs.reduce((a, r) => a + r.fired, 0)).toBe(fires.length);
    const rule = { agreement: /^(rejected|undecided): /, 'non-regression': /^(rejected|undecided): .*(anchor GT pass rate|budget)/, quarantine: /^rejected: gold fell — / }[kind as string];
    for (const f of fires) expect(f.reason).toMatch(rule!);
  });

  it('draws the leaderboard as bar charts with the worlds named', () => {
    const svg = readFileSync(path.join(root, 'chart-gtKept.svg'), 'utf8');
    expect(svg).toContain('<svg');
    for (const w of ['projectile (body=ball)', 'sensor', 'hoops']) expect(svg).toContain(w);
    expect(existsSync(path.join(root, 'chart-fired.svg'))).toBe(true);
  });
});
