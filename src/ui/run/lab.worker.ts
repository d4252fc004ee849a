/**
 * The page's run worker script, started in a role given by its name: `run` (one registered
 * experiment through the run layer: the evolve run, the emergence run) or `train` (one `train`
 * run returned whole, for the cross-runtime check). One script, so tfjs and the worlds are
 * bundled once, not once per worker.
 */
// First: the deterministic Math before any world module is evaluated.
import './install-math.ts';
import { onRunMessage } from './registry-run.ts';
import { onTrainMessage } from './train.ts';

const scope = self as unknown as { name: string; onmessage: ((ev: MessageEvent) => void) | null };
scope.onmessage = scope.name === 'train' ? (ev) => void onTrainMessage(ev) : onRunMessage;
