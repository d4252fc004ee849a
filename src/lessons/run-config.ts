/**
 * From a lesson step to the app's settings and to experiment configs. Every setting goes through
 * the app's one settings table (src/ui/settings.ts `parseQuery`): a lesson step, a link and the
 * controls all speak the same keys and the same schemas. Pure: no DOM.
 */
import { directionOf, evolveConfig, parseQuery, type Settings } from '../ui/settings.ts';
import type { Lesson, RunSpec } from './schema.ts';

/** A settings patch as query entries (the form a link carries). */
export function patchEntries(patch: Readonly<Record<string, string | number | boolean>>): [string, string][] {
  return Object.entries(patch).map(([k, v]) => [k, String(v)]);
}

/** Query entries of a step: the lesson's settings, then the step's over them. */
export function stepEntries(lesson: Lesson, stepIndex: number): [string, string][] {
  const step = lesson.steps[stepIndex];
  const merged = new Map(patchEntries(lesson.settings));
  for (const [k, v] of patchEntries(step?.settings ?? {})) merged.set(k, v);
  return [...merged];
}

/** The settings of a step, parsed by the settings table; `ignored` lists what it refused. */
export function stepSettings(lesson: Lesson, stepIndex: number, extra: Readonly<Record<string, string | number | boolean>> = {}): { settings: Settings; ignored: string[] } {
  const merged = new Map(stepEntries(lesson, stepIndex));
  for (const [k, v] of patchEntries(extra)) merged.set(k, v);
  return parseQuery(`?${new URLSearchParams([...merged]).toString()}`);
}

/** The `train` experiment's config for the app's settings (the same fields the views' learners use). */
export function trainConfig(s: Settings): Record<string, unknown> {
  const metric = String(s.metric).trim();
  return {
    world: s.world,
    params: s.params,
    learner: s.learner,
    learnerConfig: { width: s.width, depth: s.depth },
    feedback: s.feedback,
    ...(s.feedback === 'scheduled' ? { schedule: s.schedule } : {}),
    ...(metric ? { metric, ...directionOf(s), threshold: s.threshold } : {}),
    seed: s.seed,
  };
}

/** The config of one run of a step: settings → experiment config, the run's overrides on top. */
export function runConfig(settings: Settings, run: RunSpec): Record<string, unknown> {
  const base = run.experiment === 'evolve' ? evolveConfig(settings) : trainConfig(settings);
  return { ...base, ...run.config };
}

/** A run's parsed config, or the reason it is invalid. */
export type RunResolution = { ok: true; config: { seed: number } & Record<string, unknown> } | { ok: false; reason: string };

/**
 * Checks a run's config against its experiment's schema. Node passes the registry's
 * (src/lessons/registry-check.ts); the page passes none, so the experiment registry (and tfjs
 * with it, whose start-up parses the page's URL and throws on malformed percent-encoding) stays
 * out of the page: its run worker parses the config when the run starts and reports a bad one.
 */
export type ConfigCheck = (experiment: string, config: Record<string, unknown>) => RunResolution;

/** A run's settings and parsed config, or the reason it is invalid. */
export function resolveRun(lesson: Lesson, stepIndex: number, run: RunSpec, current?: Settings, configCheck?: ConfigCheck): RunResolution {
  // The step's settings as the class has them now (a student may have moved the dial), the run's own settings over them.
  const base = current ?? stepSettings(lesson, stepIndex).settings;
  let settings = base;
  if (Object.keys(run.settings).length) {
    const merged = new Map(settingsEntries(base));
    for (const [k, v] of patchEntries(run.settings)) merged.set(k, v);
    const r = parseQuery(`?${new URLSearchParams([...merged]).toString()}`);
    if (r.ignored.length) return { ok: false, reason: `run settings: ${r.ignored.join('; ')}` };
    settings = r.settings;
  }
  const config = runConfig(settings, run);
  if (configCheck) return configCheck(run.experiment, config);
  return { ok: true, config: config as { seed: number } & Record<string, unknown> };
}

/** Settings as query entries, every field (not only those that differ from defaults). */
function settingsEntries(s: Settings): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(s)) if (k !== 'params') out.push([k, String(v)]);
  for (const [k, v] of Object.entries(s.params)) out.push([`p.${k}`, String(v)]);
  return out;
}

/** The series each experiment writes as `point` events (`chart/series`), for lesson checks. */
export const SERIES: Readonly<Record<RunSpec['experiment'], readonly string[]>> = {
  train: ['groundTruth/gtPassRate', 'metric/metric', 'bitsPerFeedback/bitsPerFeedback'],
  evolve: ['groundTruth/proxy', 'groundTruth/anchorGt', 'groundTruth/probeGt', 'disagreement/disagreement'],
};
