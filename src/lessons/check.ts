/**
 * Checks a lesson file completely: its structure (schema.ts), then what only the app's settings
 * table and the experiment registry know — every step's settings parse with nothing ignored,
 * every control names a setting, every run's config passes its experiment's schema, every
 * observed series is one the experiment writes. What `mirage-lab lessons validate` and the
 * lesson test run; the page refuses a lesson file that fails it. Pure: no DOM.
 */
import type { z } from 'zod';
import { appWorld, FIELDS, paramFields } from '../ui/settings.ts';
import { lessonSchema, type Lesson } from './schema.ts';
import { resolveRun, SERIES, stepSettings, type ConfigCheck } from './run-config.ts';

/** A lesson that passed every check, or every problem found (each with the path of its field). */
export type LessonCheck = { ok: true; lesson: Lesson } | { ok: false; problems: string[] };

const pathOf = (issue: z.core.$ZodIssue): string => issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(file)';

/** The control names a step may show: the settings table's keys and its world's parameters (`p.<name>`). */
export function controlNames(world: unknown): string[] {
  return [...FIELDS.map((f) => f.key), ...paramFields(appWorld(world)).map((f) => f.key)];
}

/** Checks a parsed JSON value as a lesson; `configCheck` (Node: the registry's) also checks each run's experiment config. */
export function checkLesson(raw: unknown, configCheck?: ConfigCheck): LessonCheck {
  const r = lessonSchema.safeParse(raw);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => `${pathOf(i)}: ${i.message}`) };
  const lesson = r.data;
  const problems: string[] = [];
  const seen = new Set<string>();
  lesson.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (seen.has(step.id)) problems.push(`${at}.id: "${step.id}" is used by an earlier step`);
    seen.add(step.id);
    const { settings, ignored } = stepSettings(lesson, i);
    for (const why of ignored) problems.push(`${at}.settings: ${why}`);
    const names = new Set(controlNames(settings.world));
    for (const key of ['controls', 'lock'] as const) {
      for (const c of step[key]) if (!names.has(c)) problems.push(`${at}.${key}: "${c}" is not a setting (one of ${[...names].join(', ')})`);
    }
    const p = step.predict;
    if (!p) return;
    const ids = p.choices.map((c) => c.id);
    if (new Set(ids).size !== ids.length) problems.push(`${at}.predict.choices: two choices share an id`);
    if (!ids.includes(p.expected)) problems.push(`${at}.predict.expected: "${p.expected}" is not a choice (one of ${ids.join(', ')})`);
    for (const [where, reading] of [['observe', p.observe], ['observe.minus', p.observe.minus]] as const) {
      if (!reading) continue;
      const run = p.runs[reading.run];
      if (!run) {
        problems.push(`${at}.predict.${where}.run: ${reading.run} but the step has ${p.runs.length} run(s)`);
        continue;
      }
      if (!SERIES[run.experiment].includes(reading.series)) problems.push(`${at}.predict.${where}.series: "${reading.series}" is not written by ${run.experiment} (one of ${SERIES[run.experiment].join(', ')})`);
    }
    p.runs.forEach((run, j) => {
      const rr = resolveRun(lesson, i, run, undefined, configCheck);
      if (!rr.ok) problems.push(`${at}.predict.runs[${j}]: ${rr.reason}`);
    });
  });
  return problems.length ? { ok: false, problems } : { ok: true, lesson };
}

/** Checks a lesson file's text (JSON first). */
export function checkLessonText(text: string, configCheck?: ConfigCheck): LessonCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`(file): not JSON (${err instanceof Error ? err.message : String(err)})`] };
  }
  return checkLesson(raw, configCheck);
}
