/**
 * Shared by the REINFORCE learners (gaussian-policy, policy-gradient): the per-round baseline
 * that turns any scalar feedback into advantages. One home, so neither learner imports the other.
 */

/**
 * Advantages of one round: feedback minus the round's mean (the baseline), optionally divided
 * by the round's std. Returns undefined when every feedback is equal: no information, no step.
 */
export function advantages(feedback: readonly number[], normalise: boolean): Float32Array | undefined {
  const n = feedback.length;
  let mean = 0;
  for (const f of feedback) mean += f;
  mean /= n;
  let ss = 0;
  for (const f of feedback) ss += (f - mean) * (f - mean);
  const sd = Math.sqrt(ss / n);
  if (!(sd > 1e-12)) return undefined;
  const scale = normalise ? 1 / sd : 1;
  return Float32Array.from(feedback, (f) => (f - mean) * scale);
}
