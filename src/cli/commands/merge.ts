/** `mirage-lab merge OUT DIR…`: joins the shards of a sweep into one run folder. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand } from '../command.ts';
import { getExperiment } from '../../experiments/registry.ts';
import { mergeShards } from '../../runs/merge.ts';
import { parseRecord } from '../../runs/record.ts';
import { outcomeLine, prepareOutDir, RECORD_FILE, readRunDir, writeRunOutputs } from '../run-files.ts';

export const merge: CliCommand = {
  name: 'merge',
  register: (program, { io }) => {
    program
      .command('merge')
      .description('Join the finished shards of a sweep (run --shard i/n) into one run folder; equal to the unsharded run.')
      .argument('<out>', 'new run folder for the merged run')
      .argument('<dirs...>', 'shard run folders')
      .option('--json', 'print summary.json')
      .action(async (out: string, dirs: string[], o: { json?: boolean }) => {
        const shards = dirs.map((d) => ({ where: d, record: readRunDir(d).record }));
        const merged = mergeShards(shards, getExperiment);
        prepareOutDir(out, { createParent: false });
        writeFileSync(path.join(out, RECORD_FILE), merged.text, { flag: 'wx' });
        const summary = await writeRunOutputs(out, parseRecord(merged.text));
        if (o.json) return io.out(JSON.stringify(summary));
        io.out(outcomeLine(out, summary));
      });
  },
};
