/**
 * The checkpoint of a run made of independent units played in order (guessing games, sweep
 * cells): the unit to play next and the results of the units done. A unit depends on (config,
 * seed, its index) alone, so this is all a resume needs; an experiment adds the state of a unit
 * in progress when it checkpoints inside one (the test walk does).
 */
import { z } from 'zod';

/** The zod schema of a progress checkpoint whose done units have results of `result`'s shape. */
export function progressCheckpointSchema<T extends z.ZodType>(result: T) {
  return z.strictObject({
    /** The unit to play next (an index, or a sweep cell's id). */
    next: z.number().int().min(0),
    /** Results of the units done, in the order played. */
    done: z.array(result),
  });
}

/** A progress checkpoint as plain data. */
export interface ProgressCheckpoint<R> {
  readonly next: number;
  readonly done: readonly R[];
}

/**
 * How many units to play between checkpoints: a record holds at most about `most` checkpoints
 * (each repeats the results so far, so checkpointing every unit would make the record grow with
 * the square of the units), and a crash loses at most 1/`most` of the run. On an abort the
 * experiment checkpoints at the next unit whatever this says.
 */
export function checkpointInterval(units: number, most = 16): number {
  return Math.max(1, Math.ceil(units / most));
}
