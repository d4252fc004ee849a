/**
 * The lesson checker's config check in Node (CLI `lessons`, tests): each run's config through its
 * experiment's schema from the registry. Kept apart from run-config.ts so the page never imports
 * the registry.
 */
import { getExperiment } from '../experiments/registry.ts';
import type { ConfigCheck } from './run-config.ts';

/** Parses a lesson run's config with the registered experiment's schema. */
export const registryConfigCheck: ConfigCheck = (id, config) => {
  const r = getExperiment(id).configSchema.safeParse(config);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, reason: `${id} config: ${issue ? `${issue.path.join('.') || 'config'}: ${issue.message}` : 'invalid'}` };
  }
  return { ok: true, config: r.data as { seed: number } & Record<string, unknown> };
};
