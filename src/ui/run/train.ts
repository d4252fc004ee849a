/**
 * The train role of the lab worker: one `train` experiment run as the CLI runs it (same config
 * schema, same code), for the cross-runtime check that a run made in the page equals Node's.
 */
import { runTraining } from '../../experiments/train.ts';
import { initTfBrowser } from './tf-browser.ts';

/** The train role's message handler: `{ config }` in, `{ result }` or `{ error }` out. */
export async function onTrainMessage(ev: MessageEvent<{ config: unknown }>): Promise<void> {
  const post = (m: unknown): void => (self as unknown as Worker).postMessage(m);
  try {
    await initTfBrowser();
    post({ result: JSON.parse(JSON.stringify(await runTraining(ev.data.config))) as unknown });
  } catch (err) {
    post({ error: err instanceof Error ? err.message : String(err) });
  }
}
