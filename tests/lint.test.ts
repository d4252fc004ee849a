import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rules guard walls: seeded randomness in simulation code, no DOM/pixi in the core
// (import walls as data: walls.config.js, tested in full in tests/anchors/walls.test.ts).
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}`);
}

describe('lint walls', () => {
  const clock = 'export const a = Math.random() + Date.now() + performance.now();\n';
  it('forbids Math.random, Date.now and performance.now in worlds/ and simulation code', async () => {
    for (const file of ['worlds/x.ts', 'src/core/x.ts', 'src/learners/x.ts', 'workers/x.ts']) {
      expect(await ruleIds(clock, file)).toEqual(['no-restricted-properties', 'no-restricted-properties', 'no-restricted-properties']);
    }
  });
  it('allows the clock in the CLI and benchmarks (they time things)', async () => {
    expect(await ruleIds('export const t = performance.now();\n', 'src/cli/x.ts')).toEqual([]);
    expect(await ruleIds('export const t = performance.now();\n', 'src/bench/x.ts')).toEqual([]);
  });
  it('forbids pixi.js imports and DOM globals outside src/ui/', async () => {
    const code = "import * as PIXI from 'pixi.js';\nexport const d = [PIXI, document.body];\n";
    expect(await ruleIds(code, 'src/core/x.ts')).toEqual(['walls/imports', 'no-restricted-globals']);
    expect(await ruleIds(code, 'worlds/x.ts')).toEqual(['walls/imports', 'no-restricted-globals']);
    expect(await ruleIds(code, 'src/ui/x.ts')).toEqual([]);
  });
  it('forbids node: built-ins in the core and allows them in Node entry points and adapters', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n";
    for (const file of ['src/core/x.ts', 'src/learners/x.ts', 'src/runs/record.ts', 'workers/pool.ts', 'worlds/x.ts']) expect(await ruleIds(code, file), file).toEqual(['walls/imports']);
    for (const file of ['src/cli/x.ts', 'src/runs/file-sink.ts', 'src/learners/tf-node.ts', 'workers/node-pool.ts', 'src/bench/x.ts']) expect(await ruleIds(code, file), file).toEqual([]);
  });
});
