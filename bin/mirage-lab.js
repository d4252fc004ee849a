#!/usr/bin/env node
// The mirage-lab command. The sources are TypeScript; tsx loads them without a build step.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
