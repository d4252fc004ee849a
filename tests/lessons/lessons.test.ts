import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkLesson, checkLessonText } from '../../src/lessons/check.ts';
import { registryConfigCheck } from '../../src/lessons/registry-check.ts';
import { choiceFor, observed, read, reveal } from '../../src/lessons/outcome.ts';
import { stepSettings } from '../../src/lessons/run-config.ts';
import type { ExperimentEvent } from '../../src/experiments/types.ts';
import type { Lesson } from '../../src/lessons/schema.ts';

const DIR = new URL('../../lessons/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const load = (f: string): unknown => JSON.parse(readFileSync(new URL(f, DIR), 'utf8'));

describe('every lesson file', () => {
  it('there are at least the six lessons the classroom issue asks for', () => {
    const titles = files.map((f) => (load(f) as { title: string }).title);
    for (const t of ['The Mirage', 'Hot or Cold', "Goodhart's Drift", 'Baked-in Bias', 'The Sensor Trick']) expect(titles).toContain(t);
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s passes every check, its id is its file name, and every step has controls or a question', (f) => {
    const r = checkLesson(load(f), registryConfigCheck);
    expect(r.ok ? [] : r.problems).toEqual([]);
    const lesson = (r as { lesson: Lesson }).lesson;
    expect(`${lesson.id}.json`).toBe(f);
    expect(lesson.steps.length).toBeGreaterThanOrEqual(2);
    expect(lesson.steps.some((s) => s.predict)).toBe(true);
  });

  it('lesson ids are unique', () => {
    const ids = files.map((f) => (load(f) as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the lesson checker refuses bad files with the path of the field', () => {
  const good = load('hot-or-cold.json') as Lesson;
  // A loose view of a lesson for mutating it into a bad one.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Loose = Record<string, any>;
  const bad = (mutate: (l: Loose) => void): string[] => {
    const l = structuredClone(good) as Loose;
    mutate(l);
    const r = checkLesson(l, registryConfigCheck);
    return r.ok ? [] : r.problems;
  };

  it('not JSON, a newer format, an unknown field', () => {
    expect(checkLessonText('{ nope').ok).toBe(false);
    expect(bad((l) => (l.lessonVersion = 2)).join()).toMatch(/^lessonVersion/);
    expect(bad((l) => (l.colour = 'red')).join()).toMatch(/colour|Unrecognized/);
  });

  it('a setting the settings table refuses, an unknown control, a bad expected answer, an unknown series, a bad run config', () => {
    expect(bad((l) => (l.steps[0].settings = { alpha: 3 })).join()).toMatch(/steps\[0\]\.settings: alpha=3/);
    expect(bad((l) => (l.steps[0].settings = { world: 'atlantis' })).join()).toMatch(/steps\[0\]\.settings: world=atlantis/);
    expect(bad((l) => l.steps[0].controls.push('warp')).join()).toMatch(/steps\[0\]\.controls: "warp" is not a setting/);
    expect(bad((l) => (l.steps[1].predict.expected = 'maybe')).join()).toMatch(/predict\.expected/);
    expect(bad((l) => (l.steps[1].predict.observe.series = 'groundTruth/anchorGt')).join()).toMatch(/not written by train/);
    expect(bad((l) => (l.steps[1].predict.observe.run = 3)).join()).toMatch(/observe\.run: 3/);
    expect(bad((l) => (l.steps[1].predict.runs[0].config.episodes = -5)).join()).toMatch(/runs\[0\]: train config: episodes/);
    expect(bad((l) => (l.steps[1].predict.runs[0].settings = { feedback: 'telepathy' })).join()).toMatch(/runs\[0\]: run settings: feedback=telepathy/);
    expect(bad((l) => (l.steps[1].id = l.steps[0].id)).join()).toMatch(/used by an earlier step/);
  });

  it('hostile text stays text: a prototype key is an unknown field, not a prototype', () => {
    const t = checkLessonText(`{"__proto__":{"polluted":1},${JSON.stringify(good).slice(1)}`);
    expect(t.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a step's settings are the lesson's with the step's on top, through the settings table", () => {
    const l = load('baked-in-bias.json') as Lesson;
    const s = stepSettings(checkLesson(l, registryConfigCheck).ok ? l : l, 0).settings;
    expect(s.alpha).toBe(1);
    expect(s.params.body).toBe('ball');
    expect(s.metric).toBe('landingError');
  });
});

describe('the reveal reads the runs’ record events', () => {
  const pts = (chart: string, series: string, ys: number[]): ExperimentEvent[] => ys.map((y, x) => ({ type: 'point', chart, series, x, y }) as ExperimentEvent);
  const runA = [...pts('groundTruth', 'gtPassRate', [0, 0, 0.1, 0.6]), ...pts('metric', 'metric', [0.1, 0.3, 0.5, 0.8])];
  const runB = pts('groundTruth', 'gtPassRate', [0.2, 0.3]);

  it('statistics of one series', () => {
    const r = (stat: 'first' | 'last' | 'min' | 'max' | 'mean' | 'change' | 'jump') => read([runA], { run: 0, series: 'groundTruth/gtPassRate', stat });
    expect([r('first'), r('last'), r('min'), r('max'), r('change'), r('jump')]).toEqual([0, 0.6, 0, 0.6, 0.6, 0.5]);
    expect(r('mean')).toBeCloseTo(0.175, 12);
    expect(read([runA], { run: 1, series: 'groundTruth/gtPassRate', stat: 'last' })).toBeNull();
  });

  it('a difference across series and runs, the choice it stands for, and the sentence', () => {
    const o = { run: 0, series: 'metric/metric', stat: 'change' as const, minus: { run: 1, series: 'groundTruth/gtPassRate', stat: 'change' as const }, label: 'gap', digits: 2 };
    expect(observed([runA, runB], o)).toBeCloseTo(0.6, 12);
    const choices = [
      { id: 'up', text: 'up', above: 0.05 },
      { id: 'flat', text: 'flat', above: -0.05, below: 0.05 },
      { id: 'down', text: 'down', below: -0.05 },
    ];
    expect(choiceFor(choices, 0.6)?.id).toBe('up');
    expect(choiceFor(choices, 0)?.id).toBe('flat');
    expect(choiceFor(choices, -0.05)).toBeNull(); // bounds are strict: a value on a bound belongs to no choice
    const p = { question: 'q', choices, runs: [{ experiment: 'train' as const, settings: {}, config: {} }], observe: o, expected: 'up', explain: 'e' };
    const rv = reveal(p, 'flat', [runA, runB]);
    expect(rv.happened?.id).toBe('up');
    expect(rv.right).toBe(false);
    expect(rv.asExpected).toBe(true);
    expect(rv.sentence).toContain('gap: 0.60');
    expect(reveal(p, 'up', [[], []]).value).toBeNull();
  });
});
