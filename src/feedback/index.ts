/**
 * Feedback: metrics as channels see them, the channels themselves, measured information, and
 * the guessing game that shows how much each channel tells a learner.
 */
export * from './metric.ts';
export * from './channels.ts';
export * from './information.ts';
export * from './guessing-game.ts';
