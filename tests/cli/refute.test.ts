// `mirage-lab refute DIR` in process: on a tiny mirage run folder it runs the battery into its own
// run folder and prints each claim with its checks; bad input exits 2 naming what is wrong.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const root = mkdtempSync(path.join(tmpdir(), 'mirage-refute-'));
const dir = (name: string) => path.join(root, name);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), progress: false });
  return { code, out, err };
}

describe('mirage-lab refute', () => {
  it('refutes a claim of a mirage run from its record and prints the checks', async () => {
    const m = await cli('run', 'mirage', '--out', dir('m'), '--quiet', '--workers', '1', '--set', 'seeds=1', '--set', 'episodes=384', '--set', 'points=3', '--set', 'evalTasks=16', '--set', 'resamples=100');
    expect(m.code).toBe(0);
    const r = await cli('refute', dir('m'), '--claim', '12:384', '--out', dir('r'), '--quiet', '--workers', '1', '--set', 'freshSeeds=0');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^claim: the ability \(allHit, k = 5\) appears between \d+ and 384 episodes — (explained|not explained) by the metric \(survived \d of \d checks\)$/m);
    for (const check of ['metric', 'continuous', 'resolution', 'seeds', 'shifted']) expect(r.out).toContain(` ${check}`);
    const s = JSON.parse(readFileSync(path.join(dir('r'), 'summary.json'), 'utf8')) as { experiment: string; results: { target: { contentHash: string } } };
    const target = JSON.parse(readFileSync(path.join(dir('m'), 'summary.json'), 'utf8')) as { contentHash: string };
    expect(s.experiment).toBe('refute');
    expect(s.results.target.contentHash).toBe(target.contentHash);
  });

  it('bad input exits 2 with the field, the value and what is allowed', async () => {
    const missing = await cli('refute', dir('nope'), '--quiet');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/run folder/);
    const claim = await cli('refute', dir('m'), '--claim', '9:3', '--quiet');
    expect(claim.code).toBe(2);
    expect(claim.err).toMatch(/--claim.*a < b/);
    const gg = await cli('run', 'guessing-game', '--out', dir('g'), '--quiet', '--set', 'channel=binary', '--set', 'games=2', '--set', 'n=8');
    expect(gg.code).toBe(0);
    const wrong = await cli('refute', dir('g'), '--quiet', '--out', dir('r2'));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/mirage or drift/);
  });
});
