/** Helpers shared by several commands: repeatable options, scenarios, the world option, progress bars. */
import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Option } from 'commander';
import { InputError } from '../core/runtime.ts';
import { parseScenario, type Scenario } from '../core/scenario.ts';
import type { AnyWorld } from '../core/types.ts';
import { getWorld, WORLDS } from '../../worlds/index.ts';
import { defaultWorkerCount } from '../../workers/node-pool.ts';
import { parseOption, wholeNumber } from './input.ts';
import type { CliIO } from './io.ts';

/** Most physics workers a command may start. */
const MAX_WORKERS = 64;

/** `--workers <w>`: physics workers of a Node pool (a runtime setting, not part of any config). */
export const workersOption = (description = 'physics workers (default: one per core)'): Option => new Option('--workers <w>', description);

/** The value of `--workers`, or one per core when it is absent. */
export const parseWorkers = (raw: string | undefined): number => (raw === undefined ? defaultWorkerCount() : parseOption('--workers', wholeNumber('--workers', 1, MAX_WORKERS), raw));

/** Commander accumulator for a repeatable option (`--set a=1 --set b=2`). */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** An expression as an error message may quote it: hostile inputs can be 100,000 characters long. */
export const shortText = (text: string): string => (text.length > 60 ? `${text.slice(0, 60)}… (${text.length} characters)` : text);

/** Reads and validates a scenario file; every problem is an InputError (exit 2). */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('--scenario', file, `a readable JSON file (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseScenario(text, getWorld);
}

/** The world of a command: --world, or the scenario's (they must agree when both are given). */
export function resolveWorldOption(id: string | undefined, scenario: Scenario | undefined): AnyWorld {
  if (scenario && id !== undefined && id !== scenario.world.id) throw new InputError('--world', id, `the scenario's world '${scenario.world.id}' (or leave --world out)`);
  if (scenario) return scenario.world;
  if (id === undefined) throw new InputError('--world', null, `a world id (one of ${WORLDS.map((w) => w.id).join(', ')}) or --scenario <file>`);
  return getWorld(id);
}

/** A progress bar on stderr when `io.progress`; otherwise a no-op. */
export function progressBar(io: CliIO, label: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (!io.progress) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} episodes | eta {eta}s`, stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}
