/**
 * Wall 1 in tests: learners and the meta-agent never reach probe tasks or check code.
 * - runtime: walk the import graph of every file under src/learners/ and src/meta/ (relative
 *   imports and re-exports, followed recursively) and assert that no file under
 *   src/anchors/probe* or worlds/ is reachable;
 * - lint: the import-boundary rule in eslint.config.js reports such an import.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { AnchorOracle } from '../../src/anchors/index.ts';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);

// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')` (type-only imports too: conservative).
const SPECIFIER = /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function listTs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listTs(p) : /\.(ts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every file reachable from `entries` through relative imports (packages are not followed). */
function reachable(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...entries];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2];
      if (!spec || !spec.startsWith('.')) continue;
      const target = resolveImport(file, spec);
      if (target) stack.push(target);
    }
  }
  return seen;
}

/** Files in `set` that wall 1 forbids: the probe suite and anything under worlds/. */
function forbidden(set: Set<string>, root: string): string[] {
  return [...set].map((f) => path.relative(root, f)).filter((rel) => rel.startsWith(`src${path.sep}anchors${path.sep}probe`) || rel.startsWith(`worlds${path.sep}`)).sort();
}

describe('wall 1: import graph', () => {
  it('no learner or meta-agent module reaches the probe suite or world (check) code', () => {
    const entries = [...listTs(path.join(ROOT, 'src/learners')), ...listTs(path.join(ROOT, 'src/meta'))];
    expect(entries.length).toBeGreaterThan(0); // src/learners exists; src/meta is covered once it does
    const seen = reachable(entries);
    expect(seen.size).toBeGreaterThanOrEqual(entries.length);
    expect(forbidden(seen, ROOT)).toEqual([]);
  });

  it('the anchors index (what the meta-agent imports for the oracle and gate) does not reach them either', () => {
    expect(typeof AnchorOracle).toBe('function');
    expect(forbidden(reachable([path.join(ROOT, 'src/anchors/index.ts')]), ROOT)).toEqual([]);
  });

  it('the walker finds a violation through extensionless imports, re-exports and index files', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'walls-'));
    for (const d of ['src/meta', 'src/anchors', 'src/lib', 'worlds']) mkdirSync(path.join(root, d), { recursive: true });
    writeFileSync(path.join(root, 'src/meta/agent.ts'), "import { helper } from '../lib';\nexport const a = helper;\n");
    writeFileSync(path.join(root, 'src/lib/index.ts'), "export { helper } from './helper';\n");
    writeFileSync(path.join(root, 'src/lib/helper.ts'), "import type { T } from '../anchors/probe.ts';\nexport const helper = 1 as unknown as T;\n");
    writeFileSync(path.join(root, 'src/anchors/probe.ts'), "export type T = number;\nexport const load = () => import('../../worlds/x');\n");
    writeFileSync(path.join(root, 'worlds/x.ts'), 'export const checks = [];\n');
    expect(forbidden(reachable([path.join(root, 'src/meta/agent.ts')]), root)).toEqual([path.join('src', 'anchors', 'probe.ts'), path.join('worlds', 'x.ts')]);
  });
});

describe('wall 1: lint rule', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (code: string, filePath: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).map((m) => `${m.ruleId}`);
  };
  const probe = "import { buildProbeSuite } from '../anchors/probe.ts';\nexport const p = buildProbeSuite;\n";
  const world = "import { projectile } from '../../worlds/projectile.ts';\nexport const w = projectile;\n";
  const worldsIndex = "import { WORLDS } from '../../worlds';\nexport const w = WORLDS;\n";

  it('reports the probe suite and world code imported from src/meta, src/learners and src/feedback', async () => {
    for (const file of ['src/meta/agent.ts', 'src/learners/x.ts', 'src/feedback/x.ts']) {
      expect(await lint(probe, file), file).toEqual(['no-restricted-imports']);
      expect(await lint(world, file), file).toEqual(['no-restricted-imports']);
      expect(await lint(worldsIndex, file), file).toEqual(['no-restricted-imports']);
    }
  });

  it('keeps the pixi.js rule in those folders (flat config replaces rule options per block)', async () => {
    expect(await lint("import * as PIXI from 'pixi.js';\nexport const p = PIXI;\n", 'src/meta/agent.ts')).toEqual(['no-restricted-imports']);
  });

  it('allows the anchors index, and allows the runner (src/experiments) to import the probe suite', async () => {
    expect(await lint("import { anchorGate } from '../anchors/index.ts';\nexport const g = anchorGate;\n", 'src/meta/agent.ts')).toEqual([]);
    expect(await lint(probe, 'src/experiments/evolve.ts')).toEqual([]);
  });
});
