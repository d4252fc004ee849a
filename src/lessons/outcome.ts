/**
 * The reveal: the number a prediction is compared with, read from the runs' own record events
 * (`point` events), and the choice that number stands for. Pure: the page, the tests and the
 * CLI compute the same outcome from the same records.
 */
import type { ExperimentEvent } from '../experiments/types.ts';
import type { Choice, Observe, Predict, Reading } from './schema.ts';

/** The y values of one `chart/series` in a run's events, in order (nulls left out). */
export function seriesValues(events: readonly ExperimentEvent[], ref: string): number[] {
  const [chart, series] = ref.split('/');
  const out: number[] = [];
  for (const e of events) if (e.type === 'point' && e.chart === chart && e.series === series && typeof e.y === 'number') out.push(e.y);
  return out;
}

/** One reading, or null while its series has no point yet. */
export function read(runs: readonly (readonly ExperimentEvent[])[], r: Reading): number | null {
  const ys = seriesValues(runs[r.run] ?? [], r.series);
  if (ys.length === 0) return null;
  const first = ys[0] as number;
  const last = ys.at(-1) as number;
  switch (r.stat) {
    case 'first':
      return first;
    case 'last':
      return last;
    case 'min':
      return Math.min(...ys);
    case 'max':
      return Math.max(...ys);
    case 'mean':
      return ys.reduce((a, b) => a + b, 0) / ys.length;
    case 'change':
      return last - first;
    case 'jump': {
      let best = 0;
      for (let i = 1; i < ys.length; i++) best = Math.max(best, (ys[i] as number) - (ys[i - 1] as number));
      return best;
    }
  }
}

/** The observed number (the reading minus the other one when given), or null before there is data. */
export function observed(runs: readonly (readonly ExperimentEvent[])[], o: Observe): number | null {
  const a = read(runs, o);
  if (a === null) return null;
  if (!o.minus) return a;
  const b = read(runs, o.minus);
  return b === null ? null : a - b;
}

/** The first choice whose bounds hold the value (above < value < below), or null when none does. */
export function choiceFor(choices: readonly Choice[], value: number): Choice | null {
  return choices.find((c) => (c.above === undefined || value > c.above) && (c.below === undefined || value < c.below)) ?? null;
}

/** What the reveal shows: the prediction beside what happened. */
export interface Reveal {
  readonly predicted: Choice | null;
  readonly value: number | null;
  readonly happened: Choice | null;
  /** The prediction matched what happened. */
  readonly right: boolean;
  /** What happened is what the lesson expected (false: this run came out another way, and the page says so). */
  readonly asExpected: boolean;
  /** One sentence for the page and the tests. */
  readonly sentence: string;
}

/** Compares a prediction with the runs' records. */
export function reveal(p: Predict, predictedId: string | null, runs: readonly (readonly ExperimentEvent[])[]): Reveal {
  const predicted = p.choices.find((c) => c.id === predictedId) ?? null;
  const value = observed(runs, p.observe);
  const happened = value === null ? null : choiceFor(p.choices, value);
  const shown = value === null ? 'no data yet' : value.toFixed(p.observe.digits);
  const right = predicted !== null && happened !== null && predicted.id === happened.id;
  const sentence =
    value === null
      ? 'The run has not produced a result yet.'
      : `${p.observe.label}: ${shown} — ${happened ? `"${happened.text}"` : 'none of the choices'}. ${predicted ? `You predicted "${predicted.text}": ${right ? 'right' : 'not this time'}.` : 'No prediction was made.'}`;
  return { predicted, value, happened, right, asExpected: happened?.id === p.expected, sentence };
}
