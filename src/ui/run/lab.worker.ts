/**
 * The page's one worker script, started in a role given by its name: `run` (the evolve
 * experiment: learners, meta-agent, anchor gate), `attempts` (the learners whose throws the
 * views draw) or `train` (one `train` run, for the cross-runtime check). One script, so tfjs
 * and the worlds are bundled once, not once per worker.
 */
// First: the deterministic Math before any world module is evaluated.
import './install-math.ts';
import { onAttemptsMessage } from './attempts.ts';
import { onRunMessage } from './run.ts';
import { onTrainMessage } from './train.ts';

const scope = self as unknown as { name: string; onmessage: ((ev: MessageEvent) => void) | null };
const roles: Record<string, (ev: MessageEvent) => void> = {
  run: (ev) => void onRunMessage(ev),
  train: (ev) => void onTrainMessage(ev),
  attempts: onAttemptsMessage,
};
scope.onmessage = roles[scope.name] ?? onAttemptsMessage;
