/**
 * The issue-11 studies built here — `feedback`, `transfer`, `leakage` — run in process on tiny
 * configs: the shape of each result, and the direction of each effect on seeds chosen here, with
 * margins that can fail (the full presets' numbers are in docs/studies/*.md). Plus train's
 * `probeTasks` and `vary`, which `transfer` builds on.
 */
import { describe, expect, it } from 'vitest';
import { main, type CliIO } from '../../src/cli/main.ts';
import { Stream } from '../../src/core/rng.ts';
import { bitsAt, feedbackExperiment, type FeedbackResults } from '../../src/experiments/feedback.ts';
import { auditWorld, leakageExperiment, sharedCount, type LeakageResults } from '../../src/experiments/leakage.ts';
import { runTraining, type LoggedFeedback } from '../../src/experiments/train.ts';
import { transferExperiment, type TransferResults } from '../../src/experiments/transfer.ts';
import type { AnyExperiment, ExperimentEvent } from '../../src/experiments/types.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';
import { inProcessRunner } from '../../src/runs/in-process.ts';

async function runIt<R>(exp: AnyExperiment, input: Record<string, unknown>): Promise<{ events: ExperimentEvent[]; results: R }> {
  const config = exp.configSchema.parse(input);
  const events: ExperimentEvent[] = [];
  for await (const e of exp.run(config, { batch: inProcessRunner(), workers: 1, signal: new AbortController().signal })) events.push(e);
  const fin = events.at(-1);
  if (fin?.type !== 'finished') throw new Error('no finished event');
  return { events, results: fin.results as R };
}

describe('bits per feedback about the GT margin (the estimator the feedback study reads)', () => {
  // A synthetic log: 32 tasks, margins drawn afresh each attempt.
  const log = (label: (m: number, prev: number | undefined) => number): LoggedFeedback[] => {
    const rng = new Stream([7, 'bits-test']);
    const prev = new Map<string, number>();
    return Array.from({ length: 4000 }, (_, i) => {
      const taskKey = `t${i % 32}`;
      const margin = rng.uniform(-5, 0.5);
      const p = prev.get(taskKey);
      prev.set(taskKey, margin);
      return { episode: i, taskKey, feedback: label(margin, p), value: 0, margin };
    });
  };

  it('feedback that is the margin carries about log2(bins) bits with quantile bins, and the estimate grows with the bins', () => {
    const graded = log((m) => m - 0.5);
    const bits = [4, 8, 16, 32].map((k) => bitsAt(graded, k, 'quantile').unconditional);
    // Equal-frequency bins of the same values: the plug-in MI is H(bin) ≈ log2 k (0.05 bits of slack for ties at the cuts).
    [4, 8, 16, 32].forEach((k, i) => expect(bits[i]).toBeGreaterThan(Math.log2(k) - 0.05));
    // Equal-width bins over a skewed range say less at the same count: the binning matters.
    expect(bitsAt(graded, 8, 'width').unconditional).toBeLessThanOrEqual(bits[1] as number);
  });

  it('a hot/cold label says more about the margin given the previous attempt than without it', () => {
    const hot = log((m, p) => (p === undefined ? 0 : m > p ? 1 : m < p ? -1 : 0));
    const b = bitsAt(hot, 8, 'quantile');
    // Margins are independent draws here, so the label alone says little; given the previous
    // margin's bin it splits the new margin's range. 0.2 bits is well below the gap seen (≈ 0.5).
    expect(b.conditional).toBeGreaterThan(b.unconditional + 0.2);
    // A binary label on the margin is at most one bit however it is binned.
    const bin = log((m) => (m >= 0 ? 1 : 0));
    for (const k of [4, 8, 16, 32]) expect(bitsAt(bin, k, 'quantile').unconditional).toBeLessThanOrEqual(1 + 1e-9);
  });
});

describe('feedback study (tiny, in process)', () => {
  it('gives every channel a curve, episodes to threshold, bits by binning, a context log; the guessing table lies near its limits', { timeout: 300_000 }, async () => {
    const { results: r, events } = await runIt<FeedbackResults>(feedbackExperiment, {
      channels: ['graded', 'binary', 'hotcold'],
      seeds: [1, 2],
      episodes: 320,
      evalPoints: 5,
      evalTasks: 16,
      guessN: 128,
      guessGames: 24,
      contextLog: 40,
    });
    expect(r.channels.map((c) => c.channel)).toEqual(['graded', 'binary', 'hotcold']);
    for (const c of r.channels) {
      expect(c.curve).toHaveLength(5);
      expect(c.episodesToThreshold).toHaveLength(2);
      expect(c.bits).toHaveLength(8);
    }
    expect(events.filter((e) => e.type === 'point' && e.chart === 'groundTruth')).toHaveLength(3 * 2 * 5);
    // Hot/cold's context log: each label compares the margin with the previous one on the task.
    const hot = r.channels.find((c) => c.channel === 'hotcold')!;
    const withPrev = hot.contextLog.filter((e) => e.previousMargin !== null);
    expect(hot.contextLog.filter((e) => e.previousMargin === null).every((e) => e.feedback === 0)).toBe(true);
    for (const e of withPrev) expect(e.feedback).toBe(Math.sign(e.margin - (e.previousMargin as number)));
    // Guessing table at N = 128, 24 games: hit/miss near (N+1)/2 and hot/cold near log2 N. The
    // margins are wider than the issue's 20% at N = 1024 because 24 games of a uniform scan
    // have a standard error of ~12% of the mean.
    const row = (ch: string) => r.guessing.rows.find((x) => x.channel === ch)!;
    expect(row('binary').ratio).toBeGreaterThan(0.6);
    expect(row('binary').ratio).toBeLessThan(1.4);
    expect(row('hotcold').ratio).toBeGreaterThan(0.9);
    expect(row('hotcold').ratio).toBeLessThan(1.5);
    expect(row('graded').queriesToHit.mean).toBeLessThanOrEqual(2);
  });
});

describe('transfer study (tiny, in process)', () => {
  it('the MLP trained at one gravity loses more on shifted gravity than physics-prior', { timeout: 600_000 }, async () => {
    await initTfNode();
    const { results: r } = await runIt<TransferResults>(transferExperiment, {
      arms: ['mlp', 'physics-prior'],
      seeds: [1, 2],
      mlpEpisodes: 1600,
      priorEpisodes: 256,
      factors: [0.6, 1, 1.5],
      probeTasks: 32,
      evalPoints: 2,
      evalTasks: 16,
    });
    const mlp = r.arms.find((a) => a.arm === 'mlp')!;
    const prior = r.arms.find((a) => a.arm === 'physics-prior')!;
    expect(mlp.probes.map((p) => p.factor)).toEqual([0.6, 1, 1.5]);
    expect(mlp.probes[1]?.gap).toBeNull();
    // Measured in the quick preset (seeds 1, 2): 0.55 against 0.00. A margin of 0.2 fails only
    // if the MLP keeps most of its ground truth at ×0.6 and ×1.5 gravity, or the prior loses it.
    expect(mlp.shiftedGap!.estimate).toBeGreaterThan(prior.shiftedGap!.estimate + 0.2);
    expect(r.checks.mlpGapExceedsPrior).toBe(true);
  });
});

describe('leakage study (tiny, in process)', () => {
  it('a wrong prior costs what a right one buys; the prior-free guesser needs more queries; the audit is clean', { timeout: 300_000 }, async () => {
    const { results: r } = await runIt<LeakageResults>(leakageExperiment, {
      arms: ['prior', 'prior-wrong'],
      seeds: [1, 2],
      priorEpisodes: 256,
      evalPoints: 4,
      evalTasks: 16,
      guessN: 64,
      guessGames: 12,
      auditTasks: 64,
    });
    const arm = (a: string) => r.prior.arms.find((x) => x.arm === a)!;
    // Measured (quick preset): 1.00 with the right prior, 0.00 with g ×0.6 and a 3 m launch height
    // assumed. 0.5 apart leaves room for either to move by a quarter.
    expect(arm('prior').finalGt.mean! - arm('prior-wrong').finalGt.mean!).toBeGreaterThan(0.5);
    expect(arm('prior').priors.join(' ')).toMatch(/gravity/);
    for (const row of r.guessing.rows) {
      // Told nothing of the channel's meaning, the hill-climber needs more queries on every channel.
      expect(row.priorFree.mean).toBeGreaterThan(row.bayes.mean);
    }
    expect(r.audit.clean).toBe(true);
    expect(r.audit.worlds.map((w) => w.world)).toContain('guess');
  });

  it('the audit counts shared tasks (a suite against itself shares all of them)', () => {
    expect(sharedCount(['a', 'b', 'c'], ['c', 'd', 'a'])).toBe(2);
    expect(sharedCount(['a'], [])).toBe(0);
    const a = auditWorld('projectile', 3, 16);
    expect(a.exact).toEqual({ trainAnchor: 0, trainProbe: 0, anchorProbe: 0 });
    // guess draws train and anchor targets from the same cells; tasks still differ by their id.
    expect(auditWorld('guess', 3, 256).features.trainAnchor).toBe(0);
  });
});

describe('train: probeTasks and vary', () => {
  it('scores the trained learner on the probe split and draws a varied parameter per train task', async () => {
    const r = await runTraining({ world: 'projectile', learner: 'physics-prior', episodes: 128, evalPoints: 1, evalTasks: 16, seed: 2, probeTasks: 24 });
    expect(r.probe?.tasks).toBe(24);
    expect(r.probe?.report.n).toBe(24);
    const g = r.probe!.report.groups!;
    expect(g.shifted.n + g.unshifted.n).toBe(24);
    expect(r.probe?.shiftGap).toBeCloseTo(r.final.gtPassRate - (r.probe!.report.passRate as number), 12);
    await expect(runTraining({ world: 'projectile', learner: 'cem', episodes: 64, vary: { friction: [0.2, 0.4] } })).rejects.toThrow(/vary.*may override/);
    await expect(runTraining({ world: 'projectile', learner: 'cem', episodes: 64, vary: { gravity: [0, 4] } })).rejects.toThrow(/vary.gravity/);
  });

  it('train --probe prints the probe line; a bad --vary exits 2 naming the field', async () => {
    const run = async (...argv: string[]) => {
      let out = '';
      let err = '';
      const io: CliIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), progress: false };
      return { code: await main(argv, io), out, err };
    };
    const ok = await run('train', '--world', 'projectile', '--learner', 'cem', '--episodes', '64', '--seed', '1', '--workers', '0', '--probe', '8', '--vary', 'gravity=8:12');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/probe: ground-truth pass rate [\d.]+ \(n 8\); shifted tasks .*shift gap \(train − probe\)/);
    const bad = await run('train', '--world', 'projectile', '--learner', 'cem', '--episodes', '64', '--workers', '0', '--vary', 'gravity=8');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--vary.*param=lo:hi/);
  });
});
