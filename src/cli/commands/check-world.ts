/** `mirage-lab check-world`: the world checker, on fresh and reused workers. */
import { checkWorld, type BatchRunner, type CheckReport } from '../../core/checkWorld.ts';
import { InputError } from '../../core/runtime.ts';
import { getWorld, WORLDS } from '../../../worlds/index.ts';
import { createNodePool } from '../../../workers/node-pool.ts';
import { parseOption, wholeNumber } from '../input.ts';
import type { CliCommand } from '../command.ts';

/** A single fresh worker as the checker's BatchRunner. */
async function spawnCheckerWorker(): Promise<BatchRunner> {
  const pool = await createNodePool(1);
  return { runBatch: (req) => pool.runBatch(req), close: () => pool.close() };
}

function formatCheck(r: CheckReport): string {
  const lines = [`${r.ok ? 'PASS' : 'FAIL'} ${r.world} (${r.cases} cases, checks ${r.checksHash.slice(0, 12)})`];
  for (const p of r.passed) lines.push(`  ok    ${p}`);
  for (const s of r.skipped) lines.push(`  skip  ${s}`);
  for (const n of r.notApplicable) lines.push(`  n/a   ${n}`);
  for (const p of r.problems) lines.push(`  FAIL  ${p.property}: ${p.message}`);
  return lines.join('\n');
}

export const checkWorldCommand: CliCommand = {
  name: 'check-world',
  register: (program, { io, state }) => {
    program
      .command('check-world')
      .description('Run the world checker; exits 0 only if every property holds.')
      .argument('[id]', 'world id')
      .option('--all', 'check every registered world')
      .option('--cases <n>', 'random cases per world', '100')
      .option('--json', 'print JSON')
      .action(async (id: string | undefined, o: { all?: boolean; cases: string; json?: boolean }) => {
        if (!id && !o.all) throw new InputError('world', null, `a world id (one of ${WORLDS.map((w) => w.id).join(', ')}) or --all`);
        if (id && o.all) throw new InputError('world', id, 'either a world id or --all, not both');
        const cases = parseOption('--cases', wholeNumber('--cases', 1, 10_000), o.cases);
        const worlds = o.all ? WORLDS : [getWorld(id as string)];
        const reports: CheckReport[] = [];
        for (const w of worlds) {
          const r = await checkWorld(w, { cases, spawnWorker: spawnCheckerWorker });
          reports.push(r);
          if (!o.json) io.out(formatCheck(r));
        }
        if (o.json) io.out(JSON.stringify(o.all ? reports : reports[0], null, 2));
        state.code = reports.every((r) => r.ok) ? 0 : 1;
      });
  },
};
