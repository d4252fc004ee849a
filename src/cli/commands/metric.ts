/** `mirage-lab metric …`: the metric language. Add a subcommand here. */
import { z } from 'zod';
import { InputError } from '../../core/runtime.ts';
import { getWorld } from '../../../worlds/index.ts';
import { directionRequiredText, inferDirection, measurementsUsed, MetricError, parse, parseMetric, resolveDirection } from '../../metrics/index.ts';
import { parseOption } from '../input.ts';
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
      .option('--direction <dir>', 'lower | higher (default: from the measurements the expression reads; required when they declare none or disagree)')
      .option('--json', 'print one JSON object')
      .action((expression: string, o: { world: string; direction?: string; json?: boolean }) => {
        const world = getWorld(o.world);
        const given = o.direction === undefined ? undefined : parseOption('--direction', z.enum(['lower', 'higher']), o.direction);
        let m;
        let directionSource: string;
        try {
          // The direction: given, or from the measurements' declarations (exit 2 when they give none).
          const ast = parse(expression, world.measurements);
          directionSource = given !== undefined ? 'given with --direction' : inferDirection(ast, world.measurements).reason;
          const direction = resolveDirection(ast, world.measurements, given);
          // The threshold does not matter to the check.
          m = parseMetric({ expression, direction, threshold: 0 }, world.measurements);
        } catch (err) {
          if (err instanceof MetricError && err.code === 'direction-required') throw new InputError('--direction', undefined, directionRequiredText(expression, err));
          if (err instanceof MetricError) throw new InputError('expression', shortText(expression), `a metric expression over ${world.id}'s measurements (${err.message})`);
          throw err;
        }
        const used = measurementsUsed(m.ast).map((name) => world.measurements.find((x) => x.name === name)!);
        if (o.json) return io.out(JSON.stringify({ world: world.id, expression: m.expression, direction: m.direction, directionSource, measurements: used.map((x) => ({ name: x.name, unit: x.unit, better: x.better, gameable: x.gameable ?? null })) }));
        io.out(m.expression);
        io.out(`direction: ${m.direction} (${directionSource})`);
        io.out(`measurements: ${used.map((x) => `${x.name} (${x.unit}${x.gameable ? ', gameable' : ''})`).join(', ') || 'none (a constant)'}`);
      });
  },
};
