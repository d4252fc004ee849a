/** `mirage-lab report <dir>`: rebuilds summary.json, report.html and the SVGs from the record alone. */
import path from 'node:path';
import type { CliCommand } from '../command.ts';
import { readRunDir, REPORT_FILE, writeRunOutputs } from '../run-files.ts';

export const report: CliCommand = {
  name: 'report',
  register: (program, { io }) => {
    program
      .command('report')
      .description('Rebuild summary.json, report.html and one SVG per chart from run.jsonl alone.')
      .argument('<dir>', 'run folder')
      .option('--json', 'print summary.json')
      .action(async (dir: string, o: { json?: boolean }) => {
        const { record } = readRunDir(dir);
        const summary = await writeRunOutputs(dir, record);
        if (o.json) return io.out(JSON.stringify(summary));
        io.out(`${summary.status}: ${summary.experiment} seed ${summary.seed} · content ${summary.contentHash.slice(0, 12)} · ${path.join(dir, REPORT_FILE)}`);
      });
  },
};
