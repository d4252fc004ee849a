/** `mirage-lab resume <dir>`: continues an interrupted or killed run from its last checkpoint. */
import { parseOption, wholeNumber } from '../input.ts';
import type { CliCommand } from '../command.ts';
import { defaultWorkerCount } from '../../../workers/node-pool.ts';
import { InputError } from '../../core/runtime.ts';
import { getExperiment } from '../../experiments/registry.ts';
import { FileSink } from '../../runs/node/file-sink.ts';
import { recordStatus } from '../../runs/record.ts';
import { resumeRun } from '../../runs/runner.ts';
import { backendFor, executeRun, nodeProvenance, readRunDir } from '../run-files.ts';

export const resume: CliCommand = {
  name: 'resume',
  register: (program, { io, state }) => {
    program
      .command('resume')
      .description('Continue an interrupted run (Ctrl-C, a crash, a kill) from its last checkpoint; the result equals an undisturbed run.')
      .argument('<dir>', 'run folder')
      .option('--workers <w>', 'physics worker threads (default: one per core)')
      .option('--json', 'print summary.json when done')
      .option('--quiet', 'no progress output')
      .action(async (dir: string, o: { workers?: string; json?: boolean; quiet?: boolean }) => {
        const workers = o.workers === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 1, 64), o.workers);
        const { record, file } = readRunDir(dir);
        if (recordStatus(record) === 'finished') throw new InputError('resume', dir, 'an interrupted or incomplete run (this one has finished: start a new one with `mirage-lab run`)');
        const experiment = getExperiment(record.header.experiment);
        const provenance = nodeProvenance(await backendFor(experiment));
        // Cut a torn last line (a crash mid-write) before appending.
        const sink = new FileSink(file, { truncateTo: record.validBytes });
        try {
          if (record.tornBytes > 0 && !o.quiet && !o.json) io.err(`cut a torn last line (${record.tornBytes} bytes) from ${file}`);
          await executeRun(io, state, dir, experiment, { workers, json: o.json ?? false, quiet: o.quiet ?? false }, (host) => resumeRun({ ...host, experiment, record, provenance, sink, where: dir }));
        } finally {
          sink.close();
        }
      });
  },
};
