import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main, type CliIO } from '../../src/cli/main.ts';

/** Runs the CLI in process and captures what it prints. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), progress: false };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('mirage-lab CLI', () => {
  it('list --json describes worlds with params, measurements and checks', async () => {
    const r = await run('list', '--json');
    expect(r.code).toBe(0);
    const worlds = JSON.parse(r.out) as Array<{ id: string; params: Array<{ name: string; min?: number; max?: number }>; measurements: unknown[]; checks: Array<{ name: string }> }>;
    const p = worlds.find((w) => w.id === 'projectile');
    expect(p?.params.find((x) => x.name === 'gravity')).toMatchObject({ min: 1, max: 30 });
    expect(p?.checks.map((c) => c.name)).toEqual(['restsInZone']);
    expect(worlds.map((w) => w.id)).toContain('multi-target');
  });

  it('simulate --json: same hash for 1 worker, 2 workers and a rerun', async () => {
    const args = ['simulate', '--world', 'projectile', '--episodes', '600', '--seed', '7', '--json'];
    const a = JSON.parse((await run(...args, '--workers', '1')).out);
    const b = JSON.parse((await run(...args, '--workers', '2')).out);
    const c = JSON.parse((await run(...args, '--workers', '2')).out);
    expect(Object.keys(a).sort()).toEqual(['episodes', 'episodesPerSecond', 'gtPassRate', 'hash', 'seed', 'workers', 'world']);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).toBe(a.hash);
    expect(a.gtPassRate).toBe(b.gtPassRate);
    // A different seed gives a different digest (the hash is not a constant).
    const d = JSON.parse((await run('simulate', '--world', 'projectile', '--episodes', '600', '--seed', '8', '--json', '--workers', '1')).out);
    expect(d.hash).not.toBe(a.hash);
  });

  it('simulate --scenario plays the scenario\'s params and fixed tasks, identically on 1 and 2 workers', async () => {
    const args = ['simulate', '--scenario', 'scenarios/moon-range.json', '--episodes', '90', '--seed', '2', '--json'];
    const a = JSON.parse((await run(...args, '--workers', '1')).out);
    const b = JSON.parse((await run(...args, '--workers', '2')).out);
    expect(a.world).toBe('projectile');
    expect(b.hash).toBe(a.hash);
    const plain = JSON.parse((await run('simulate', '--world', 'projectile', '--episodes', '90', '--seed', '2', '--json', '--workers', '1')).out);
    expect(plain.hash).not.toBe(a.hash);
  });

  it('--set goes through the world schema', async () => {
    const r = await run('simulate', '--world', 'projectile', '--episodes', '50', '--workers', '1', '--set', 'gravity=5', '--set', 'body=ball', '--json');
    expect(r.code).toBe(0);
  });

  const bad: Array<[string[], RegExp]> = [
    [['simulate', '--world', 'nope'], /world: "nope" .*one of projectile, multi-target/],
    [['simulate', '--world', 'projectile', '--episodes', 'abc'], /--episodes: "abc" .*whole number/],
    [['simulate', '--world', 'projectile', '--episodes', '0'], /--episodes: "0" .*whole number from 1/],
    [['simulate', '--world', 'projectile', '--episodes', '1e3'], /--episodes/],
    [['simulate', '--world', 'projectile', '--split', 'bogus'], /--split: "bogus" .*train, anchor, probe/],
    [['simulate', '--world', 'projectile', '--set', 'gravity=99'], /--set gravity: 99 .*≤ 30/],
    [['simulate', '--world', 'projectile', '--set', 'gravity=abc'], /--set gravity: "abc"/],
    [['simulate', '--world', 'projectile', '--set', '__proto__=1'], /prototype keys are rejected/],
    [['simulate', '--world', 'projectile', '--set', 'constructor=1'], /prototype keys are rejected/],
    [['simulate', '--world', 'projectile', '--set', 'toString=1'], /--set: "toString" .*parameter of this world: gravity/],
    [['simulate', '--world', 'projectile', '--set', 'gravity'], /key=value/],
    [['simulate', '--world', 'projectile', '--set', 'gravity=5', '--set', 'gravity=6'], /each parameter once/],
    [['simulate', '--world', 'projectile', '--workers', '0'], /--workers/],
    [['check-world'], /world: .*--all/],
    [['simulate'], /--world: .*or --scenario/],
    [['simulate', '--scenario', 'no-such-file.json'], /--scenario: "no-such-file.json" .*readable JSON file/],
    [['simulate', '--scenario', 'scenarios/moon-range.json', '--world', 'sensor'], /--world: "sensor" .*scenario's world 'projectile'/],
    [['simulate', '--scenario', 'package.json'], /scenario\.world: missing; expected a string/],
    [['check-world', 'nope'], /world: "nope"/],
  ];
  for (const [argv, message] of bad) {
    it(`exits 2 on bad input: ${argv.slice(1).join(' ')}`, async () => {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.out).toBe('');
    });
  }

  it('exits 2 on an unknown command or option (commander errors)', async () => {
    expect((await run('bogus')).code).toBe(2);
    expect((await run('simulate', '--world', 'projectile', '--nope')).code).toBe(2);
  });

  it('check-world runs the checker with real workers and exits 0', async () => {
    const r = await run('check-world', 'projectile', '--cases', '10', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.ok).toBe(true);
    expect(report.passed).toContain('bitwise identical in a fresh worker');
    expect(report.passed).toContain('bitwise identical in a reused worker');
    expect(report.skipped).toEqual([]);
  });

  it('the bin script runs end to end and exits 2 with one line on bad input', async () => {
    const bin = new URL('../../bin/mirage-lab.js', import.meta.url).pathname;
    const err = await promisify(execFile)(process.execPath, [bin, 'simulate', '--world', 'projectile', '--set', 'gravity=-1']).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
  });
});
