// Vitest setup: the entry-point step of the CLI and the worker entries, for in-process tests.
import { installDeterministicMath } from '../../src/core/detmath.ts';

installDeterministicMath();
