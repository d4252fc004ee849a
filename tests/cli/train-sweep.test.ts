/**
 * The issue-9 sweep, script-free: every world × learner × channel through the CLI's `train`
 * entry (argument parsing, validation, the compatibility check, the run), in process. Each must
 * either train (exit 0) or be refused as a user's choice (exit 2) — never an internal error —
 * and the declared fits (src/learners/compat.ts) must be exactly the combinations that train.
 *
 * In process: the CLI's own `runTraining` with one curve point on 8 evaluation tasks (the CLI
 * does not expose those settings; at their defaults, 20 points × 128 tasks, evaluation played 40
 * times the 64 training episodes and the sweep took minutes), and `--workers 0` (episodes on the
 * calling thread: the pool path is covered by tests/experiments/train.test.ts and the pool tests;
 * a fresh pool per combination was most of the rest). The real 1,500-episode sweep over worker
 * runs is measured once and reported in docs/learners.md.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/experiments/train.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/experiments/train.ts')>();
  const runTraining: typeof actual.runTraining = (config, onPoint, physics) => {
    trainingCalls.count++;
    return actual.runTraining({ ...(config as object), evalPoints: 1, evalTasks: 8 }, onPoint, physics);
  };
  return { ...actual, runTraining };
});
// Counts the runs that went through the shortened runTraining (a mock that stopped applying would leave the sweep minutes long).
const trainingCalls = vi.hoisted(() => ({ count: 0 }));

const { main } = await import('../../src/cli/main.ts');
const { initTfNode } = await import('../../src/learners/tf-node.ts');
const { fittingLearners } = await import('../../src/learners/compat.ts');
const { LEARNER_IDS } = await import('../../src/learners/registry.ts');
const { CHANNEL_KINDS } = await import('../../src/feedback/channels.ts');
const { resolveParams } = await import('../../src/core/runtime.ts');
const { WORLDS } = await import('../../worlds/index.ts');

describe('train sweep: every world × learner × channel through the CLI', () => {
  it('every combination trains (exit 0) or is refused (exit 2), and the declared fits are exactly those that train', { timeout: 600_000 }, async () => {
    await initTfNode();
    const rows: string[] = [];
    const codes: Record<number, number> = {};
    for (const world of WORLDS) {
      const params = resolveParams(world, {});
      const metric = world.defaultMetric?.(params)?.expression;
      for (const learner of LEARNER_IDS) {
        for (const channel of CHANNEL_KINDS) {
          let err = '';
          const io = { out: () => {}, err: (t: string) => (err += t), progress: false };
          const code = await main(['train', '--world', world.id, '--learner', learner, '--feedback', channel, '--episodes', '64', '--seed', '1', '--workers', '0', '--json'], io);
          codes[code] = (codes[code] ?? 0) + 1;
          const fits = fittingLearners(world, params, { channel, ...(metric ? { metric } : {}) }).includes(learner);
          rows.push(`${world.id.padEnd(13)} ${learner.padEnd(16)} ${channel.padEnd(10)} exit ${code} ${fits ? 'fits' : '    '} ${code === 2 ? err.slice(0, 90) : ''}`);
          expect([0, 2], `${world.id} ${learner} ${channel}: ${err}`).toContain(code);
          expect(code === 0, `${world.id} ${learner} ${channel}: declared ${fits ? 'fit' : 'misfit'}, exit ${code} ${err}`).toBe(fits);
          if (code === 2) expect(err).toMatch(new RegExp(`world '${world.id}'.*'${learner}' needs .*Learners that fit`));
        }
      }
    }
    console.log(rows.join('\n'));
    console.log('exit codes', codes);
    expect(Object.values(codes).reduce((a, b) => a + b, 0)).toBe(WORLDS.length * LEARNER_IDS.length * CHANNEL_KINDS.length);
    expect(trainingCalls.count).toBe(codes[0]);
  });
});
