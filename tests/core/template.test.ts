import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { checkWorld } from '../../src/core/checkWorld.ts';
import type { AnyWorld } from '../../src/core/types.ts';

/** The project's compiler options (tsconfig.json), for type-checking one extracted file. */
function compilerOptions(): ts.CompilerOptions {
  const path = new URL('../../tsconfig.json', import.meta.url).pathname;
  const { config } = ts.readConfigFile(path, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, new URL('../..', import.meta.url).pathname).options;
}

// worlds/TEMPLATE.md promises that its example world type-checks without casts and passes the
// checker as written: keep it so.
describe('worlds/TEMPLATE.md', () => {
  it('its example world type-checks under the project settings and passes every in-process property of the checker', async () => {
    const md = readFileSync(new URL('../../worlds/TEMPLATE.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(md)?.[1];
    expect(code).toBeDefined();
    expect(code).toContain('defineWorld(');
    expect(code).not.toMatch(/margin:[^\n]* as number/); // checks need no casts
    // The example lives in worlds/; this copy lives next to this test, so its imports move.
    const here = code!.replaceAll("'../src/", "'../../src/").replaceAll("'./shared/", "'../../worlds/shared/");
    const file = new URL('./template-world.generated.ts', import.meta.url);
    writeFileSync(file, here);
    try {
      const program = ts.createProgram([file.pathname], { ...compilerOptions(), noEmit: true });
      const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(errors).toEqual([]);
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
