/** `mirage-lab list`: the registered worlds with their parameters, measurements and checks. */
import { z } from 'zod';
import { paramRanges } from '../../core/checkWorld.ts';
import type { AnyWorld } from '../../core/types.ts';
import { WORLDS } from '../../../worlds/index.ts';
import type { CliCommand } from '../command.ts';

/** Describes a world for `list`: parameters (from its schema), measurements, checks. */
export function describeWorld(w: AnyWorld) {
  const json = z.toJSONSchema(w.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { default?: unknown; description?: string; enum?: unknown[] }> };
  const ranges = paramRanges(w);
  const params = Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    default: s.default,
    ...(ranges[name]?.min !== undefined ? { min: ranges[name]?.min } : {}),
    ...(ranges[name]?.max !== undefined ? { max: ranges[name]?.max } : {}),
    ...(s.enum ? { options: s.enum } : {}),
    ...(ranges[name]?.type === 'integer' ? { integer: true } : {}),
    doc: s.description ?? '',
  }));
  const defaults = w.params.parse({});
  return {
    id: w.id,
    version: w.version,
    title: w.title,
    description: w.description,
    params,
    actionSpace: w.actionSpace(defaults),
    measurements: w.measurements,
    checks: w.checks.checks.map((c) => ({ name: c.name, doc: c.doc })),
    checksHash: w.checks.hash,
  };
}

export const list: CliCommand = {
  name: 'list',
  register: (program, { io }) => {
    program
      .command('list')
      .description('List the registered worlds with their parameters, measurements and checks.')
      .option('--json', 'print JSON')
      .action((o: { json?: boolean }) => {
        const worlds = WORLDS.map(describeWorld);
        if (o.json) return io.out(JSON.stringify(worlds, null, 2));
        for (const w of worlds) {
          io.out(`${w.id} v${w.version} — ${w.description}`);
          io.out(`  params: ${w.params.map((p) => `${p.name}=${String(p.default)}${p.options ? ` (${p.options.join('|')})` : p.min !== undefined ? ` [${p.min}, ${p.max}]` : ''}`).join(', ')}`);
          io.out(`  action: ${w.actionSpace.names.map((n, i) => `${n} [${w.actionSpace.low[i]}, ${w.actionSpace.high[i]}] ${w.actionSpace.units[i]}`).join(', ')}`);
          io.out(`  measurements: ${w.measurements.map((m) => (m.gameable ? `${m.name}*` : m.name)).join(', ')}   (* gameable proxy)`);
          io.out(`  ground truth: ${w.checks.map((c) => c.name).join(', ')}`);
        }
      });
  },
};
