/**
 * The run layer runs in the browser too: no `node:` import, DOM or clock outside its Node-only
 * adapters (src/runs/node/). The CLI owns files, signals and time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const list = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

describe('run layer walls', () => {
  const files = [...list('src/runs'), ...list('src/charts'), 'src/experiments/types.ts', 'src/experiments/registry.ts'];
  it('only src/runs/node/ imports node: modules', () => {
    expect(files.length).toBeGreaterThan(8);
    const offenders = files.filter((f) => !f.startsWith(`src${path.sep}runs${path.sep}node${path.sep}`) && /from\s+['"]node:|import\(\s*['"]node:|require\(\s*['"]node:/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
    expect(readFileSync(path.join(ROOT, 'src/runs/node/file-sink.ts'), 'utf8')).toMatch(/from 'node:fs'/); // the check can see an import
  });
  it('nothing there reads the clock: time comes from the host (RunHost.now)', () => {
    const offenders = files.filter((f) => /Date\.now\(|new Date\(|performance\.now\(/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
