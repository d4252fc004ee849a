#!/usr/bin/env node
// The mirage-lab command. The sources are TypeScript; tsx loads them without a build step.
import { tsImport } from 'tsx/esm/api';

// The CLI simulates in process (check, train's runtime, benchmarks): install the deterministic
// Math first, so its runs replay bitwise in workers and in the browser. Importing the core alone
// never swaps Math.
const { installDeterministicMath } = await tsImport('../src/core/detmath.ts', import.meta.url);
installDeterministicMath();
const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
