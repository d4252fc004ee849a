/**
 * The probe suite: held-out and shifted tasks (the world's `probe` split: shifted gravity,
 * targets beyond the train range, held-out in-range targets for projectile), built once per run,
 * and the only code that evaluates ground truth on probe tasks — for reporting, never for
 * learning or for the gate.
 *
 * Wall 1: learners and the meta-agent must not reach this module. The lint rule in
 * eslint.config.js forbids importing it from src/learners, src/meta and src/feedback, and
 * tests/anchors/walls.test.ts walks their import graphs. src/anchors/index.ts does not re-export
 * it: the experiment runner imports this file directly.
 */
import { Stream } from '../core/rng.ts';
import { resolveParams, type EpisodeSpec } from '../core/runtime.ts';
import type { AnyWorld, Consequence, TaskBase } from '../core/types.ts';
import { consequenceMargin, summarisePasses, type PassSummary } from './evidence.ts';
import { checkSuiteArgs, freezeSuite, suiteEpisodes, type Play, type TaskSuite } from './suites.ts';

/** The probe suite of a run: `size` probe tasks, task i from stream (seed, 'suite:probe', i). */
export function buildProbeSuite(world: AnyWorld, params: unknown, seed: number, size: number): TaskSuite {
  checkSuiteArgs(seed, size);
  const resolved = resolveParams(world, params);
  const tasks = Array.from({ length: size }, (_, i) => world.sampleTask(new Stream([seed, 'suite:probe', i]), 'probe', resolved) as TaskBase);
  return freezeSuite(world, seed, 'probe', tasks);
}

/** Ground truth of probe episodes, summarised for the run record. */
export interface ProbeReport extends PassSummary {
  /** Mean ground-truth margin over episodes whose margin is finite; null when none is. */
  readonly meanMargin: number | null;
  /** Pass counts per ground-truth check. */
  readonly checks: Readonly<Record<string, PassSummary>>;
  /**
   * Split by task kind when the suite is given: `shifted` tasks override world parameters (e.g.
   * gravity), `unshifted` do not (held-out and out-of-range targets).
   */
  readonly groups: { readonly shifted: PassSummary; readonly unshifted: PassSummary } | null;
}

/** What `evaluateProbe` reads of each probe episode. */
export type ProbeEvidence = Pick<Consequence, 'verdicts' | 'gtPass'>;

/** Summarises ground truth on probe episodes (one per suite task, in order, when `suite` is given). */
export function evaluateProbe(episodes: readonly ProbeEvidence[], suite?: TaskSuite): ProbeReport {
  if (suite && suite.tasks.length !== episodes.length) throw new RangeError(`${suite.tasks.length} probe tasks but ${episodes.length} episodes`);
  const margins = episodes.map((e) => consequenceMargin(e)).filter(Number.isFinite);
  const byCheck = new Map<string, boolean[]>();
  for (const e of episodes) {
    for (const v of e.verdicts) {
      const list = byCheck.get(v.check) ?? [];
      list.push(v.pass);
      byCheck.set(v.check, list);
    }
  }
  const checks: Record<string, PassSummary> = Object.create(null) as Record<string, PassSummary>;
  for (const [name, passes] of [...byCheck].sort(([a], [b]) => (a < b ? -1 : 1))) checks[name] = summarisePasses(passes);
  const groups = suite
    ? {
        shifted: summarisePasses(episodes.filter((_, i) => suite.tasks[i]?.overrides !== undefined).map((e) => e.gtPass)),
        unshifted: summarisePasses(episodes.filter((_, i) => suite.tasks[i]?.overrides === undefined).map((e) => e.gtPass)),
      }
    : null;
  return {
    ...summarisePasses(episodes.map((e) => e.gtPass)),
    meanMargin: margins.length > 0 ? margins.reduce((a, b) => a + b, 0) / margins.length : null,
    checks,
    groups,
  };
}

/** Simulates episodes (the runner's worker pool or an in-process WorldRuntime). */
export type Simulate = (episodes: EpisodeSpec[]) => readonly ProbeEvidence[] | Promise<readonly ProbeEvidence[]>;

/**
 * Plays one action (or policy) per probe task through `simulate` and returns only the report:
 * the probe consequences (and their verdicts) never leave this function.
 */
export async function runProbe(suite: TaskSuite, plays: readonly Play[], simulate: Simulate, firstEpisode = 0): Promise<ProbeReport> {
  if (suite.split !== 'probe') throw new Error(`runProbe needs the probe suite, got a ${suite.split} suite`);
  const episodes = await simulate(suiteEpisodes(suite, plays, firstEpisode));
  return evaluateProbe(episodes, suite);
}
