/** `mirage-lab metric …`: the metric language. Add a subcommand here. */
import { InputError, resolveParams } from '../../core/runtime.ts';
import { getWorld } from '../../../worlds/index.ts';
import { measurementsUsed, MetricError, parseMetric } from '../../metrics/index.ts';
import { shortText } from '../shared.ts';
import type { CliCommand } from '../command.ts';

export const metric: CliCommand = {
  name: 'metric',
  register: (program, { io }) => {
    program
      .command('metric')
      .description('The metric language.')
      .command('check')
      .description("Parse a metric expression against a world's measurements: the normalised text and the measurements used, or the error with its position (exit 2).")
      .argument('<expression>', 'metric expression (quote it)')
      .requiredOption('--world <id>', 'world id')
      .option('--json', 'print one JSON object')
      .action((expression: string, o: { world: string; json?: boolean }) => {
        const world = getWorld(o.world);
        let m;
        try {
          // Direction and threshold do not matter to the check; the world's default supplies them.
          const d = world.defaultMetric?.(resolveParams(world, {}));
          m = parseMetric({ expression, direction: d?.direction ?? 'lower', threshold: d?.threshold ?? 0 }, world.measurements);
        } catch (err) {
          if (err instanceof MetricError) throw new InputError('expression', shortText(expression), `a metric expression over ${world.id}'s measurements (${err.message})`);
          throw err;
        }
        const used = measurementsUsed(m.ast).map((name) => world.measurements.find((x) => x.name === name)!);
        if (o.json) return io.out(JSON.stringify({ world: world.id, expression: m.expression, measurements: used.map((x) => ({ name: x.name, unit: x.unit, better: x.better, gameable: x.gameable ?? null })) }));
        io.out(m.expression);
        io.out(`measurements: ${used.map((x) => `${x.name} (${x.unit}${x.gameable ? ', gameable' : ''})`).join(', ') || 'none (a constant)'}`);
      });
  },
};
