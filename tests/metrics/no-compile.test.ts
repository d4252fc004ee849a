// The metric language never compiles code (DESIGN.md: parse to an AST and interpret). A file of
// its own so the mutation run can leave it out: Stryker's instrumented copies of src/metrics
// contain `new Function` (see vitest.mutation.config.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the implementation never compiles code', () => {
  it('src/metrics uses no eval, new Function or dynamic import', () => {
    const dir = join(import.meta.dirname, '../../src/metrics');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('interpreter.ts');
    for (const file of files) {
      const code = readFileSync(join(dir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/\beval\s*\(|\bFunction\s*\(|new\s+Function\b|\bimport\s*\(|\brequire\s*\(/);
    }
  });
});
