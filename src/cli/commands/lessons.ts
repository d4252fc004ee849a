/** `mirage-lab lessons [files…]`: checks lesson files (default: every file in lessons/); exit 2 on any problem. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliCommand } from '../command.ts';
import { checkLessonText } from '../../lessons/check.ts';
import { registryConfigCheck } from '../../lessons/registry-check.ts';

/** The repository's lessons folder. */
export const LESSONS_DIR = fileURLToPath(new URL('../../../lessons/', import.meta.url));

export const lessons: CliCommand = {
  name: 'lessons',
  register: (program, { io, state }) => {
    program
      .command('lessons')
      .description('Check lesson files (lessons/*.json by default): structure, settings, controls, run configs; each problem with its field path (exit 2), or ok.')
      .argument('[files...]', 'lesson files (default: every lessons/*.json)')
      .option('--json', 'print one JSON array')
      .action((files: string[], o: { json?: boolean }) => {
        const list = files.length ? files : readdirSync(LESSONS_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(LESSONS_DIR, f));
        const out: { file: string; ok: boolean; id?: string; steps?: number; problems?: string[] }[] = [];
        const ids = new Map<string, string>();
        for (const file of list) {
          let text: string;
          try {
            text = readFileSync(file, 'utf8');
          } catch (err) {
            out.push({ file, ok: false, problems: [`(file): unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})`] });
            continue;
          }
          const r = checkLessonText(text, registryConfigCheck);
          if (!r.ok) {
            out.push({ file, ok: false, problems: r.problems });
            continue;
          }
          const other = ids.get(r.lesson.id);
          if (other) out.push({ file, ok: false, id: r.lesson.id, problems: [`id: "${r.lesson.id}" is also the id of ${other}`] });
          else out.push({ file, ok: true, id: r.lesson.id, steps: r.lesson.steps.length });
          ids.set(r.lesson.id, file);
        }
        if (out.some((r) => !r.ok)) state.code = 2;
        if (o.json) return io.out(JSON.stringify(out));
        for (const r of out) {
          if (r.ok) io.out(`ok: ${r.file} (${r.id}, ${r.steps} steps)`);
          else for (const p of r.problems ?? []) io.err(`${r.file}: ${p}`);
        }
      });
  },
};
