/**
 * The built-in lessons: every `lessons/*.json`, bundled by Vite and checked here like any lesson
 * file (a file that fails its check is left out and named in `CATALOG_PROBLEMS`, never run).
 */
import { checkLesson } from '../../lessons/check.ts';
import type { Lesson } from '../../lessons/schema.ts';

const files = import.meta.glob('../../../lessons/*.json', { eager: true, import: 'default' }) as Record<string, unknown>;

/** Problems of built-in lesson files (empty in a good build; the lesson test keeps it so). */
export const CATALOG_PROBLEMS: string[] = [];

/** Built-in lessons by id, in file-name order. */
export const BUILT_IN: ReadonlyMap<string, Lesson> = new Map(
  Object.keys(files)
    .sort()
    .flatMap((path): [string, Lesson][] => {
      const r = checkLesson(files[path]);
      if (r.ok) return [[r.lesson.id, r.lesson]];
      CATALOG_PROBLEMS.push(`${path}: ${r.problems.join('; ')}`);
      return [];
    }),
);

/** Where a teacher's own lesson files, opened in this browser, are kept (a lesson is small JSON). */
export const CUSTOM_KEY = 'mirage-lab:lessons';

/** A teacher's own lessons opened in this browser, checked again on every load (an edited or broken one is left out). */
function customLessons(): [string, Lesson][] {
  let raw: unknown = [];
  try {
    raw = JSON.parse(localStorage.getItem(CUSTOM_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((l): [string, Lesson][] => {
    const r = checkLesson(l);
    // A built-in id always means the built-in lesson: a shared link means the same thing everywhere it is built.
    return r.ok && !BUILT_IN.has(r.lesson.id) ? [[r.lesson.id, r.lesson]] : [];
  });
}

/** Every lesson this page can open: built-in, then the teacher's own. */
export const LESSONS: ReadonlyMap<string, Lesson> = new Map([...BUILT_IN, ...customLessons()]);

/** Keeps a teacher's lesson in this browser (replacing one with the same id). */
export function saveCustomLesson(lesson: Lesson): void {
  let list: unknown[] = [];
  try {
    const raw = JSON.parse(localStorage.getItem(CUSTOM_KEY) ?? '[]') as unknown;
    if (Array.isArray(raw)) list = raw;
  } catch {
    list = [];
  }
  list = list.filter((l) => (l as { id?: unknown } | null)?.id !== lesson.id);
  list.push(lesson);
  localStorage.setItem(CUSTOM_KEY, JSON.stringify(list));
}
