/**
 * The run role of the lab worker: the evolve experiment (learners, meta-agent, anchor gate at strength α) runs
 * here, never on the page's thread; each generation's record and gate decisions are posted as
 * they happen.
 */
import { runEvolve } from '../../experiments/evolve.ts';
import { initTfBrowser } from './tf-browser.ts';
import type { RunIn, RunOut } from './protocol.ts';

const post = (m: RunOut): void => (self as unknown as Worker).postMessage(m);
/** Records hold only numbers, strings and plain objects; a JSON round trip guarantees it (NaN → null). */
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** The run role's message handler (installed by lab.worker.ts). */
export async function onRunMessage(ev: MessageEvent<RunIn>): Promise<void> {
  if (ev.data.type !== 'start') return;
  try {
    const tf = await initTfBrowser();
    const record = await runEvolve(ev.data.config, (row, decisions, total) => post({ type: 'generation', record: plain(row), decisions: plain([...decisions]), total }));
    post({ type: 'finished', summary: plain(record.summary), lineage: plain(record.lineage.metrics.map((m) => ({ id: m.id, from: m.from, expression: m.expression, parent: m.parent, operator: m.operator }))), backend: tf.backend });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}
