import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkWorld } from '../../src/core/checkWorld.ts';
import type { AnyWorld } from '../../src/core/types.ts';

// worlds/TEMPLATE.md promises that its example world passes the checker as written: keep it so.
describe('worlds/TEMPLATE.md', () => {
  it('its example world passes every in-process property of the checker', async () => {
    const md = readFileSync(new URL('../../worlds/TEMPLATE.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(md)?.[1];
    expect(code).toBeDefined();
    // The example lives in worlds/; this copy lives next to this test, so its imports move.
    const here = code!.replaceAll("'../src/", "'../../src/").replaceAll("'./shared/", "'../../worlds/shared/");
    const file = new URL('./template-world.generated.ts', import.meta.url);
    writeFileSync(file, here);
    try {
      const mod = (await import(/* @vite-ignore */ file.href)) as Record<string, AnyWorld>;
      const world = Object.values(mod)[0] as AnyWorld;
      const report = await checkWorld(world, { cases: 40 });
      expect(report.problems).toEqual([]);
      expect(report.passed).toContain('energy does not grow over 1,000 passive steps');
    } finally {
      rmSync(file, { force: true });
    }
  });
});
