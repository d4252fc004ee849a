import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rules guard two walls: seeded randomness in simulation code, no DOM/pixi in the core.
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
    expect(await ruleIds(code, 'src/core/x.ts')).toEqual(['no-restricted-imports', 'no-restricted-globals']);
    expect(await ruleIds(code, 'worlds/x.ts')).toEqual(['no-restricted-imports', 'no-restricted-globals']);
    expect(await ruleIds(code, 'src/ui/x.ts')).toEqual([]);
  });
});
