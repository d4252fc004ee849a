/** The golden batch: fixed seed and episode count (a third per split), with trajectories. */
export const GOLDEN_SEED = 20261127;
export const GOLDEN_EPISODES = 60;
