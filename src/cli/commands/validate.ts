/** `mirage-lab validate <config.json>`: every schema error with the path of its field (exit 2), or ok. */
import type { CliCommand } from '../command.ts';
import { getExperiment } from '../../experiments/registry.ts';
import { configHash } from '../../runs/record.ts';
import { readConfigFile } from '../run-files.ts';

export const validate: CliCommand = {
  name: 'validate',
  register: (program, { io, state }) => {
    program
      .command('validate')
      .description("Check a config file against its experiment's schema: each bad field with its path (exit 2), or ok.")
      .argument('<config>', 'config.json ({ "experiment": id, "config": { … } })')
      .option('--json', 'print one JSON object')
      .action((file: string, o: { json?: boolean }) => {
        const { experiment: id, config } = readConfigFile(file);
        const experiment = getExperiment(id);
        const r = experiment.configSchema.safeParse(config);
        if (r.success) {
          if (o.json) return io.out(JSON.stringify({ ok: true, experiment: id, configHash: configHash(r.data), config: r.data }));
          return io.out(`ok: ${id} config (configHash ${configHash(r.data).slice(0, 12)})`);
        }
        const problems = r.error.issues.map((i) => ({
          path: ['config', ...i.path.map(String), ...(i.code === 'unrecognized_keys' ? [i.keys.join(', ')] : [])].join('.'),
          message: i.code === 'unrecognized_keys' ? 'unknown field (unknown fields are refused)' : i.message,
        }));
        if (o.json) io.out(JSON.stringify({ ok: false, experiment: id, problems }));
        else for (const p of problems) io.err(`${file}: ${p.path}: ${p.message}`);
        state.code = 2;
      });
  },
};
