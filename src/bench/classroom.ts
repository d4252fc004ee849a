/**
 * `mirage-lab bench classroom`: the classroom targets in headless Chromium. For every lesson,
 * opens its link in a fresh page and reads when its first step was on screen and usable (the
 * page's own `readyMs`: navigation start to the frame after the step and its controls mounted);
 * then opens the link of the lesson's first predict step, makes a prediction as soon as that
 * step is usable (a student who answers at once: the worst case, the page still starting) and
 * reads how long the first result (the first point of a run) took after the prediction.
 */
import type { Page } from 'playwright-core';
import { withServedApp } from './browser.ts';

/** One lesson's timings in ms (`firstResultMs` is null for a lesson without a prediction). */
export interface LessonTiming {
  readyMs: number;
  firstResultMs: number | null;
}

/** What `bench classroom --json` prints. */
export interface ClassroomBench {
  lessons: Record<string, LessonTiming>;
  maxReadyMs: number;
  maxFirstResultMs: number | null;
}

interface PageLesson {
  id: string;
  predicts: number[];
}
interface PageClass {
  readyMs: number | null;
  predictions: { firstResultMs: number | null; error: string | null }[];
}

const classState = (page: Page): Promise<PageClass> => page.evaluate('window.mirageClass.state()') as Promise<PageClass>;

/** Waits for the lesson's first step to be usable and returns the page's `readyMs`. */
async function ready(page: Page, timeoutMs: number): Promise<number> {
  await page.waitForFunction('window.mirageClass !== undefined && window.mirageClass.state().readyMs !== null', undefined, { timeout: timeoutMs });
  // Usable: the step's heading is on screen and the page started without an error.
  if (!(await page.isVisible('#step-title'))) throw new Error('the step title is not visible');
  const failed = (await page.evaluate('window.mirageAppError ?? null')) as string | null;
  if (failed) throw new Error(`the page failed to start: ${failed}`);
  return Math.round((await classState(page)).readyMs as number);
}

/** Builds, serves and measures every lesson (`only`: a subset of lesson ids). */
export async function benchClassroom(opts: { outDir: string; only?: readonly string[]; timeoutMs?: number; onLine?: (s: string) => void }): Promise<ClassroomBench> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return withServedApp({ outDir: opts.outDir, prefix: '/class/bench/', onLine: opts.onLine }, async (app) => {
    const index = await app.open();
    await index.page.waitForFunction('window.mirageClass !== undefined', undefined, { timeout: timeoutMs });
    const all = (await index.page.evaluate('window.mirageClass.lessons()')) as PageLesson[];
    await index.page.close();
    const unknown = (opts.only ?? []).filter((id) => !all.some((l) => l.id === id));
    if (unknown.length) throw new Error(`unknown lesson ${unknown.join(', ')} (known: ${all.map((l) => l.id).join(', ')})`);
    const lessons = opts.only?.length ? all.filter((l) => opts.only?.includes(l.id)) : all;
    const out: Record<string, LessonTiming> = {};
    for (const l of lessons) {
      // A fresh page per measurement: nothing warm from the one before.
      const first = await app.open(`?lesson=${encodeURIComponent(l.id)}`);
      const readyMs = await ready(first.page, timeoutMs);
      if (first.errors.length) throw new Error(`${l.id}: page errors: ${first.errors.join('; ')}`);
      await first.page.close();
      let firstResultMs: number | null = null;
      const at = l.predicts[0];
      if (at !== undefined) {
        const { page, errors } = await app.open(`?lesson=${encodeURIComponent(l.id)}&step=${at + 1}`);
        await ready(page, timeoutMs);
        await page.check('#predict input[type=radio] >> nth=0');
        await page.click('#run-reveal');
        await page.waitForFunction('(() => { const p = window.mirageClass.state().predictions[0]; return p !== undefined && (p.firstResultMs !== null || p.error !== null); })()', undefined, { timeout: timeoutMs });
        const p = (await classState(page)).predictions[0];
        if (!p || p.error !== null) throw new Error(`${l.id}: the prediction's run failed: ${p?.error ?? 'no prediction recorded'}`);
        if (errors.length) throw new Error(`${l.id}: page errors: ${errors.join('; ')}`);
        firstResultMs = Math.round(p.firstResultMs as number);
        await page.close();
      }
      out[l.id] = { readyMs, firstResultMs };
      opts.onLine?.(`${l.id}: ready ${readyMs} ms, first result ${firstResultMs === null ? '— (no prediction)' : `${firstResultMs} ms after the prediction`}`);
    }
    const results = Object.values(out).flatMap((t) => (t.firstResultMs === null ? [] : [t.firstResultMs]));
    return { lessons: out, maxReadyMs: Math.max(...Object.values(out).map((t) => t.readyMs)), maxFirstResultMs: results.length ? Math.max(...results) : null };
  });
}
