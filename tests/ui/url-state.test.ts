import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkLesson } from '../../src/lessons/check.ts';
import type { Lesson } from '../../src/lessons/schema.ts';
import { parseUrlState, urlQuery } from '../../src/ui/url-state.ts';

const DIR = new URL('../../lessons/', import.meta.url);
const LESSONS = new Map<string, Lesson>(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const r = checkLesson(JSON.parse(readFileSync(new URL(f, DIR), 'utf8')));
      if (!r.ok) throw new Error(`${f}: ${r.problems.join('; ')}`);
      return [r.lesson.id, r.lesson];
    }),
);

describe('the URL state', () => {
  it("a lesson link opens the step's settings; the link's own settings go over them", () => {
    const u = parseUrlState('?lesson=baked-in-bias&step=2&seed=9', LESSONS);
    expect(u.ignored).toEqual([]);
    expect(u.classroom).toEqual({ lesson: 'baked-in-bias', step: 1, hide: [], lock: [] });
    expect(u.settings.params.body).toBe('ball');
    expect(u.settings.alpha).toBe(1);
    expect(u.settings.seed).toBe(9);
  });

  it('round trip: the query of a state parses back to the same state, holding only what differs from the step', () => {
    for (const q of ['?lesson=goodharts-drift&step=2&alpha=0.3&seed=4&hide=seed&lock=alpha', '?lesson=the-mirage&p.k=6', '?hide=alpha,metric&lock=seed&feedback=binary', '?alpha=0.25&seed=7']) {
      const a = parseUrlState(q, LESSONS);
      expect(a.ignored, q).toEqual([]);
      const query = urlQuery(a.settings, a.classroom, LESSONS);
      const b = parseUrlState(`?${query}`, LESSONS);
      expect(b.settings, q).toEqual(a.settings);
      expect(b.classroom, q).toEqual(a.classroom);
    }
    // A step's own settings are not repeated in its link.
    const u = parseUrlState('?lesson=goodharts-drift&step=2', LESSONS);
    expect(urlQuery(u.settings, u.classroom, LESSONS)).toBe('lesson=goodharts-drift&step=2');
    // Set back to the world default while the step says otherwise: the link keeps it.
    const moved = { ...u.settings, alpha: 0.5 };
    expect(parseUrlState(`?${urlQuery(moved, u.classroom, LESSONS)}`, LESSONS).settings.alpha).toBe(0.5);
  });

  it('hostile links fall back per field and say what was ignored', () => {
    const u = parseUrlState('?lesson=atlantis&step=0&hide=warp,alpha,__proto__&lock=constructor&alpha=2&seed=3&lesson=the-mirage', LESSONS);
    expect(u.classroom).toEqual({ lesson: null, step: 0, hide: ['alpha'], lock: [] });
    expect(u.settings.seed).toBe(3);
    expect(u.settings.alpha).toBe(0.5);
    const text = u.ignored.join('\n');
    for (const m of [/lesson=atlantis: no such lesson \(one of .*the-mirage/, /lesson=the-mirage: repeated/, /step=0: no lesson/, /hide=warp: not a control/, /hide=__proto__: not a control/, /lock=constructor: not a control/, /alpha=2: expected a number in \[0, 1\]/]) expect(text).toMatch(m);
    expect(({} as Record<string, unknown>).alpha).toBeUndefined();
    const badStep = parseUrlState('?lesson=hot-or-cold&step=7', LESSONS);
    expect(badStep.classroom.step).toBe(0);
    expect(badStep.ignored).toEqual(['step=7: expected a whole number in [1, 2]']);
    const huge = parseUrlState(`?lesson=hot-or-cold&x=${'y'.repeat(5000)}`, LESSONS);
    expect(huge.classroom.lesson).toBeNull();
    expect(huge.ignored[0]).toMatch(/the whole query/);
  });
});
