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
export const LESSONS: ReadonlyMap<string, Lesson> = new Map(
  Object.keys(files)
    .sort()
    .flatMap((path): [string, Lesson][] => {
      const r = checkLesson(files[path]);
      if (r.ok) return [[r.lesson.id, r.lesson]];
      CATALOG_PROBLEMS.push(`${path}: ${r.problems.join('; ')}`);
      return [];
    }),
);
