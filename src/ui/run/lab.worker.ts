/**
 * The page's run worker script, started in a role given by its name: `run` (one registered
 * experiment through the run layer: the evolve run, the emergence run), `record` (a lesson's
 * saved runs into IndexedDB, ../classroom/record-run.ts) or `train` (one `train` run returned
 * whole, for the cross-runtime check). One script, so tfjs and the worlds are bundled once, not
 * once per worker (a separate record worker script added 437 KB gzip of the same code).
 */
// First: the deterministic Math before any world module is evaluated.
import './install-math.ts';
import { onRunMessage } from './registry-run.ts';
import { onTrainMessage } from './train.ts';
import { onRecordMessage } from '../classroom/record-run.ts';

const scope = self as unknown as { name: string; onmessage: ((ev: MessageEvent) => void) | null };
scope.onmessage = scope.name === 'train' ? (ev) => void onTrainMessage(ev) : scope.name === 'record' ? onRecordMessage : onRunMessage;
