/**
 * The lesson file format (`lessons/*.json`): a classroom script as data, written by teachers
 * without code. A lesson is a short narrative in steps; each step sets the sandbox's settings
 * (the app's settings table: the same keys and values a link carries), chooses which controls
 * students see (and which are read-only), and may ask a predict-then-reveal question: students
 * pick an answer, the sandbox runs a small experiment, and the page shows the prediction beside
 * what happened, computed from the run's record.
 *
 * Structure only here (pure zod, no DOM); `check.ts` checks what needs the settings table and
 * the experiment registry (setting names and values, control names, run configs, series).
 */
import { z } from 'zod';

/** The lesson format version this code reads. */
export const LESSON_VERSION = 1;

const slug = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens (e.g. "hot-or-cold")');
const text = (max: number) => z.string().min(1).max(max);

/** A setting value as a link carries it, typed (numbers as numbers, true/false as booleans). */
export const settingValueSchema = z.union([z.number(), z.string().max(400), z.boolean()]);
/** Settings by the app's setting keys (`alpha`, `feedback`, `p.body` for world parameters…). */
export const settingsPatchSchema = z.record(z.string().max(60), settingValueSchema);

/** A series of a run's record: `<chart>/<series>` of the experiment's `point` events. */
const seriesRef = z.string().regex(/^[A-Za-z][A-Za-z0-9]*\/[A-Za-z][A-Za-z0-9]*$/, 'chart/series, e.g. "groundTruth/anchorGt"');

/** How one number is read from one run: a statistic of one series. */
export const readingSchema = z.strictObject({
  /** Which run of the step (0 = the first). */
  run: z.number().int().min(0).max(3).default(0),
  series: seriesRef,
  /** first/last/min/max/mean value; change = last − first; jump = the largest rise between two neighbouring points. */
  stat: z.enum(['first', 'last', 'min', 'max', 'mean', 'change', 'jump']),
});
export type Reading = z.infer<typeof readingSchema>;

/** What the reveal measures: a reading, minus another when given (a gap between two series or two runs). */
export const observeSchema = readingSchema.extend({
  minus: readingSchema.optional(),
  /** How the observed number is described beside the prediction ("change in real success"). */
  label: text(120),
  /** Decimals shown. */
  digits: z.number().int().min(0).max(4).default(2),
});
export type Observe = z.infer<typeof observeSchema>;

/** One answer students can pick; `above`/`below` bound the observed number it stands for. */
export const choiceSchema = z
  .strictObject({
    id: slug,
    text: text(200),
    /** The choice is what happened when the observed number is > above (and < below). Omitted = unbounded. */
    above: z.number().optional(),
    below: z.number().optional(),
  })
  .refine((c) => c.above === undefined || c.below === undefined || c.above < c.below, { message: 'above must be less than below' });
export type Choice = z.infer<typeof choiceSchema>;

/** One experiment the step runs: built from the step's settings, then these overrides. */
export const runSpecSchema = z.strictObject({
  experiment: z.enum(['train', 'evolve']),
  /** Shown beside its results (e.g. "binary feedback"). */
  label: text(80).optional(),
  /** Settings for this run only, over the step's (e.g. a second run with another channel). */
  settings: settingsPatchSchema.default({}),
  /** Fields of the experiment's config over what the settings give (keep runs small: a class waits). */
  config: z.record(z.string().max(60), z.unknown()).default({}),
});
export type RunSpec = z.infer<typeof runSpecSchema>;

/** A predict-then-reveal question. */
export const predictSchema = z.strictObject({
  question: text(400),
  choices: z.array(choiceSchema).min(2).max(6),
  runs: z.array(runSpecSchema).min(1).max(3),
  observe: observeSchema,
  /** The choice the lesson expects (the reveal says so when a run comes out otherwise). */
  expected: slug,
  /** Shown after the reveal: why it happens. */
  explain: text(1200),
});
export type Predict = z.infer<typeof predictSchema>;

/** One step of a lesson. */
export const stepSchema = z.strictObject({
  id: slug,
  title: text(120),
  /** The narrative: paragraphs of plain text (no HTML). */
  text: z.array(text(1200)).min(1).max(8),
  /** Settings of this step, over the lesson's `settings` (not over earlier steps: every step stands alone, so its link does). */
  settings: settingsPatchSchema.default({}),
  /** Controls students see, by setting key, in this order. */
  controls: z.array(z.string().max(60)).max(12).default([]),
  /** Controls shown read-only. */
  lock: z.array(z.string().max(60)).max(12).default([]),
  predict: predictSchema.optional(),
});
export type Step = z.infer<typeof stepSchema>;

/** What the teacher guide says for a lesson (docs/classroom.md is written from it). */
export const teacherSchema = z.strictObject({
  ask: text(600),
  see: text(600),
  answer: text(800),
});

/** A lesson file. */
export const lessonSchema = z.strictObject({
  lessonVersion: z.literal(LESSON_VERSION),
  id: slug,
  title: text(80),
  summary: text(400),
  /** Minutes the lesson takes in class (a guide for teachers). */
  minutes: z.number().int().min(1).max(120).optional(),
  settings: settingsPatchSchema.default({}),
  teacher: teacherSchema.optional(),
  steps: z.array(stepSchema).min(1).max(20),
});
export type Lesson = z.infer<typeof lessonSchema>;
