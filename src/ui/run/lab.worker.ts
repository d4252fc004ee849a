/**
 * The page's one worker script, started twice: as `run` (the evolve experiment: learners,
 * meta-agent, anchor gate) and as `attempts` (the learners whose throws the views draw). One
 * script, so tfjs and the worlds are bundled once, not once per worker.
 */
// First: the deterministic Math before any world module is evaluated.
import './install-math.ts';
import { onAttemptsMessage } from './attempts.ts';
import { onRunMessage } from './run.ts';

const scope = self as unknown as { name: string; onmessage: ((ev: MessageEvent) => void) | null };
scope.onmessage = scope.name === 'run' ? (ev) => void onRunMessage(ev) : onAttemptsMessage;
