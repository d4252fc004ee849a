/**
 * Feedback: metrics as channels see them, the channels themselves and measured information.
 * (The guessing game, which needs a world, lives in src/experiments: feedback code never
 * imports worlds — the lint wall.)
 */
export * from './metric.ts';
export * from './channels.ts';
export * from './information.ts';
