// A member job's explored anchor rows (issue 10): the gate's extra evidence comes from the
// member's exploring actions on the anchor tasks, after the learner's state is saved, so it
// changes nothing the learner keeps or the runner measures; only the explored rows are new.
import { beforeAll, describe, expect, it } from 'vitest';
import { runMemberJob, type MemberJob, type MemberResult } from '../../src/experiments/evolve-member.ts';
import { inProcessRunner } from '../../src/experiments/runner.ts';
import { getLearnerFamily } from '../../src/learners/registry.ts';
import { initTfNode } from '../../src/learners/tf-node.ts';

const RUN = { world: 'projectile', params: { body: 'ball' }, seed: 5, learner: 'gaussian-policy', population: 2, generations: 3, anchorTasks: 6, probeTasks: 4, trainTasks: 16, evalTasks: 4, episodesPerGeneration: 32, roundSize: 16, recentEpisodes: 8, heldOutTasks: 4 };

const job = (anchorExploration: number, gen = 0): MemberJob => ({
  run: RUN,
  slot: 1,
  gen,
  version: 0,
  learnerConfig: getLearnerFamily('gaussian-policy').parseConfig({ width: 8, depth: 1, learningRate: 0.01 }) as Record<string, unknown>,
  state: null,
  channel: { kind: 'graded' },
  channelState: {},
  metric: { expression: 'landingError', direction: 'lower', threshold: 0.5 },
  anchorExploration,
});

/** The result without its explored rows, as comparable text (typed arrays spelled out). */
const rest = (r: MemberResult): string => JSON.stringify({ ...r, evaluation: { ...r.evaluation, anchorExploreCs: null } }, (_, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));

beforeAll(async () => {
  await initTfNode();
});

describe('explored anchor rows', () => {
  it('add one row per draw of the anchor tasks and leave state and every greedy figure bitwise alone', async () => {
    const physics = inProcessRunner();
    const [none, two] = [await runMemberJob(job(0), physics), await runMemberJob(job(2), physics)];
    expect(none.evaluation.anchorExploreCs).toEqual([]);
    expect(two.evaluation.anchorExploreCs).toHaveLength(2);
    for (const row of two.evaluation.anchorExploreCs) {
      expect(row).toHaveLength(RUN.anchorTasks);
      // Plain data the oracle needs and nothing more (no trajectories cross back).
      for (const c of row) expect(Object.keys(c).sort()).toEqual(['gtPass', 'measurements', 'verdicts']);
    }
    // Real throws: a policy with a broken std would launch nothing (every measurement undefined).
    expect(two.evaluation.anchorExploreCs.flat().every((c) => Number.isFinite(c.measurements.launchEnergy))).toBe(true);
    // Exploring actions differ from greedy ones (the rows are new evidence, not copies).
    const land = (cs: readonly { measurements: Record<string, number> }[]): string => JSON.stringify(cs.map((c) => c.measurements));
    expect(land(two.evaluation.anchorExploreCs[0]!)).not.toEqual(land(two.evaluation.anchorCs));
    expect(land(two.evaluation.anchorExploreCs[0]!)).not.toEqual(land(two.evaluation.anchorExploreCs[1]!));
    expect(rest(two)).toBe(rest(none));
  });

  it('are not played for the start evaluation (gen −1), which the gate never sees', async () => {
    const r = await runMemberJob(job(3, -1), inProcessRunner());
    expect(r.evaluation.anchorExploreCs).toEqual([]);
  });
});
