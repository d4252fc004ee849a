/**
 * The whole page state in the URL: the settings (through the app's one settings table,
 * settings.ts), plus the classroom's `lesson`, `step` (1-based), `hide` and `lock` (comma lists
 * of setting keys). A link reproduces the run: a lesson step's settings are the base and the
 * link's settings go over them, so a copied link holds only what differs from the step.
 *
 * Parsing never throws: each bad field falls back on its own (an unknown lesson to no lesson, a
 * bad step to the first, an unknown control name is dropped) and is listed with the reason.
 */
import { FIELDS, MAX_QUERY, paramFields, appWorld, parseQuery, toQuery, type Settings } from './settings.ts';
import { controlNames } from '../lessons/check.ts';
import { stepEntries, stepSettings } from '../lessons/run-config.ts';
import type { Lesson } from '../lessons/schema.ts';

/** The classroom part of the state. */
export interface ClassroomState {
  /** Lesson id, or null (the plain app, or the sandbox when hide/lock are given). */
  lesson: string | null;
  /** Step index, 0-based (the URL says `step=1` for the first). */
  step: number;
  hide: string[];
  lock: string[];
}

/** What a URL gives: the settings, the classroom state, and everything ignored with the reason. */
export interface UrlState {
  readonly settings: Settings;
  readonly classroom: ClassroomState;
  readonly ignored: string[];
}

const CLASSROOM_KEYS = new Set(['lesson', 'step', 'hide', 'lock']);
const show = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** Reads a URL's query; never throws. `lessons` is the catalog lesson ids are looked up in. */
export function parseUrlState(search: string, lessons: ReadonlyMap<string, Lesson>): UrlState {
  const classroom: ClassroomState = { lesson: null, step: 0, hide: [], lock: [] };
  if (search.length > MAX_QUERY) {
    // settings.ts refuses it as a whole, with the reason; the classroom keys go with it.
    const p = parseQuery(search);
    return { settings: p.settings, classroom, ignored: p.ignored };
  }
  let entries: [string, string][] = [];
  const ignored: string[] = [];
  try {
    entries = [...new URLSearchParams(search)];
  } catch {
    const p = parseQuery(search);
    return { settings: p.settings, classroom, ignored: p.ignored };
  }
  const first = (key: string): string | undefined => {
    const all = entries.filter(([k]) => k === key);
    for (const [, v] of all.slice(1)) ignored.push(`${key}=${show(v)}: repeated (the first one counts)`);
    return all[0]?.[1];
  };
  const lessonRaw = first('lesson');
  let lesson: Lesson | undefined;
  if (lessonRaw !== undefined) {
    lesson = lessons.get(lessonRaw);
    if (lesson) classroom.lesson = lesson.id;
    else ignored.push(`lesson=${show(lessonRaw)}: no such lesson (one of ${[...lessons.keys()].join(', ')})`);
  }
  const stepRaw = first('step');
  if (stepRaw !== undefined) {
    const n = Number(stepRaw);
    const max = lesson?.steps.length ?? 0;
    if (!lesson) ignored.push(`step=${show(stepRaw)}: no lesson to step through`);
    else if (!Number.isInteger(n) || n < 1 || n > max) ignored.push(`step=${show(stepRaw)}: expected a whole number in [1, ${max}]`);
    else classroom.step = n - 1;
  }
  // Settings: the link's entries first (repeats in the link stay repeats), then the step's for keys the link lacks.
  const own = entries.filter(([k]) => !CLASSROOM_KEYS.has(k));
  const base = lesson ? stepEntries(lesson, classroom.step).filter(([k]) => !own.some(([o]) => o === k)) : [];
  const parsed = parseQuery(`?${new URLSearchParams([...own, ...base]).toString()}`);
  ignored.push(...parsed.ignored);
  const names = new Set(controlNames(parsed.settings.world));
  for (const key of ['hide', 'lock'] as const) {
    const raw = first(key);
    if (raw === undefined) continue;
    for (const name of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (names.has(name)) {
        if (!classroom[key].includes(name)) classroom[key].push(name);
      } else ignored.push(`${key}=${show(name)}: not a control (one of ${[...names].join(', ')})`);
    }
  }
  return { settings: parsed.settings, classroom, ignored };
}

/** The query of a state: settings that differ from the lesson step's (or the world's defaults), then the classroom keys. */
export function urlQuery(settings: Settings, classroom: ClassroomState, lessons: ReadonlyMap<string, Lesson>): string {
  const lesson = classroom.lesson ? lessons.get(classroom.lesson) : undefined;
  let q: URLSearchParams;
  const base = lesson ? stepSettings(lesson, classroom.step).settings : null;
  if (base && base.world === settings.world) {
    q = new URLSearchParams();
    for (const f of FIELDS) if (f.key !== 'world' && settings[f.key] !== base[f.key]) q.set(f.key, String(settings[f.key]));
    for (const f of paramFields(appWorld(settings.world))) {
      const name = f.key.slice(2);
      if (settings.params[name] !== base.params[name]) q.set(f.key, String(settings.params[name]));
    }
  } else q = new URLSearchParams(toQuery(settings));
  if (lesson) {
    q.set('lesson', lesson.id);
    if (classroom.step > 0) q.set('step', String(classroom.step + 1));
  }
  if (classroom.hide.length) q.set('hide', classroom.hide.join(','));
  if (classroom.lock.length) q.set('lock', classroom.lock.join(','));
  // Commas in hide/lock read better unescaped (URLSearchParams writes %2C; both parse the same).
  return q.toString().replace(/%2C/g, ',');
}
