// Self-contained docs: nothing in README.md or docs/ points outside the project, and every
// relative link resolves to a file in it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('docs are self-contained', () => {
  it.each(files)('%s: links stay inside the project and resolve', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text).not.toMatch(/shared\/DESIGN\.md/);
    // Markdown links and backticked paths that climb out of the repository.
    for (const m of text.matchAll(/\]\(([^)]+)\)|`(\.\.\/[^`]*)`/g)) {
      const target = (m[1] ?? m[2]) as string;
      expect(target, `${file}: ${target}`).not.toMatch(/^[a-z]+:/i); // no http:, file:, mailto:
      const path = resolve(dirname(join(root, file)), target.split('#')[0] as string);
      expect(relative(root, path).startsWith('..'), `${file}: ${target} leaves the project`).toBe(false);
      expect(existsSync(path), `${file}: ${target} does not exist`).toBe(true);
    }
  });
});
