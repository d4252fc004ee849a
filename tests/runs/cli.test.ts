/**
 * The run commands in process (main(argv, io)) with the test-only `test-walk` sweep: a run folder
 * and its files, report rebuilt from the record alone, runs/compare/experiments/config/validate,
 * shards merged = unsharded, and every bad input exiting 2 with what is wrong and what is allowed.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { registerExperiment, unregisterExperiment } from '../../src/experiments/registry.ts';
import { parseRecord, recordContentHash } from '../../src/runs/record.ts';
import { walkExperiment } from './fixtures/walk.ts';

const root = mkdtempSync(path.join(tmpdir(), 'mirage-runs-'));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), progress: false });
  return { code, out, err };
}

const dir = (name: string) => path.join(root, name);
const summary = (d: string) => JSON.parse(readFileSync(path.join(d, 'summary.json'), 'utf8')) as Record<string, unknown> & { contentHash: string; results: unknown; status: string };

beforeAll(() => registerExperiment(walkExperiment));
afterAll(() => {
  unregisterExperiment(walkExperiment.id);
  rmSync(root, { recursive: true, force: true });
});

describe('run, report, runs, compare', () => {
  it('run writes the record, summary.json with the documented keys, report.html and one SVG per chart', async () => {
    const r = await cli('run', 'test-walk', '--out', dir('a'), '--set', 'steps=5', '--quiet', '--workers', '1');
    expect(r.code).toBe(0);
    const files = readdirSync(dir('a')).sort();
    expect(files).toEqual(['chart-spread.svg', 'chart-walk.svg', 'report.html', 'run.jsonl', 'summary.json']);
    const s = summary(dir('a'));
    for (const k of ['experiment', 'seed', 'config', 'configHash', 'anchorsHash', 'versions', 'backend', 'startedAt', 'finishedAt', 'contentHash', 'results']) expect(s).toHaveProperty(k);
    expect(s.status).toBe('finished');
    expect(s.contentHash).toBe(recordContentHash(parseRecord(readFileSync(path.join(dir('a'), 'run.jsonl'), 'utf8'))));
    const html = readFileSync(path.join(dir('a'), 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Gate decisions');
    expect(html).toContain(s.contentHash);
    expect(html).toMatch(/± [0-9.]+<\/td><td>3<\/td>/); // the per-cell 'spread' series: mean ± sd over 3 seeds
    expect(html).not.toMatch(/(href|src)="https?:/); // self-contained
    const svg = readFileSync(path.join(dir('a'), 'chart-walk.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<path');
  });

  it('--json prints summary.json; the same config and seed give the same content hash', async () => {
    const r = await cli('run', 'test-walk', '--out', dir('b'), '--set', 'steps=5', '--json');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as { contentHash: string };
    expect(printed.contentHash).toBe(summary(dir('a')).contentHash);
    const c = await cli('run', 'test-walk', '--out', dir('c'), '--set', 'steps=5', '--seed', '7', '--quiet');
    expect(c.code).toBe(0);
    expect(summary(dir('c')).contentHash).not.toBe(printed.contentHash);
  });

  it('report rebuilds summary, report and SVGs from the record alone', async () => {
    const before = readFileSync(path.join(dir('a'), 'summary.json'), 'utf8');
    for (const f of ['summary.json', 'report.html', 'chart-walk.svg']) rmSync(path.join(dir('a'), f));
    const r = await cli('report', dir('a'));
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir('a'), 'summary.json'), 'utf8')).toBe(before);
    expect(existsSync(path.join(dir('a'), 'report.html'))).toBe(true);
    expect(existsSync(path.join(dir('a'), 'chart-walk.svg'))).toBe(true);
  });

  it('runs lists newest first with status and key result; compare shows what differs', async () => {
    const r = await cli('runs', root, '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { dir: string; status: string; key: string; startedAt: string }[];
    expect(list.length).toBeGreaterThanOrEqual(3);
    const times = list.map((x) => x.startedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(list.every((x) => x.status === 'finished' && x.key.startsWith('meanFinal'))).toBe(true);
    const text = await cli('runs', root);
    expect(text.out.split('\n')[0]).toContain(path.basename(list[0]!.dir));

    const cmp = await cli('compare', dir('a'), dir('c'));
    expect(cmp.code).toBe(0);
    expect(cmp.out).toMatch(/^seed\s+0\s+7/m);
    expect(cmp.out).not.toMatch(/^steps/m);
    const same = await cli('compare', dir('a'), dir('b'));
    expect(same.out).toContain('the same run');
  });

  it('experiments, config and validate: the printed config runs as a file', async () => {
    const e = await cli('experiments');
    expect(e.out).toMatch(/^test-walk\s+Random walks/m);
    const c = await cli('config', 'test-walk', '--quick');
    const file = JSON.parse(c.out) as { experiment: string; config: Record<string, unknown> };
    expect(file).toEqual({ experiment: 'test-walk', config: { seed: 0, cells: 2, steps: 6, delayMs: 0, episodes: false } });
    writeFileSync(dir('quick.json'), c.out);
    expect((await cli('validate', dir('quick.json'))).code).toBe(0);
    const r = await cli('run', dir('quick.json'), '--out', dir('from-file'), '--quiet');
    expect(r.code).toBe(0);
    expect(summary(dir('from-file')).config).toEqual(file.config);

    writeFileSync(dir('bad.json'), JSON.stringify({ experiment: 'test-walk', config: { steps: -1, cells: 'x', extra: 1 } }));
    const v = await cli('validate', dir('bad.json'));
    expect(v.code).toBe(2);
    expect(v.err).toMatch(/config\.steps: .*>=?1/);
    expect(v.err).toMatch(/config\.cells: .*number/);
    expect(v.err).toMatch(/config\.extra: unknown field/);
  });

  it('shards merged equal the unsharded run (content hash and results)', async () => {
    const whole = await cli('run', 'test-walk', '--out', dir('whole'), '--set', 'cells=5', '--set', 'steps=3', '--quiet');
    expect(whole.code).toBe(0);
    for (const i of [1, 2, 3]) expect((await cli('run', 'test-walk', '--out', dir(`shard${i}`), '--set', 'cells=5', '--set', 'steps=3', '--shard', `${i}/3`, '--quiet')).code).toBe(0);
    const m = await cli('merge', dir('merged'), dir('shard3'), dir('shard1'), dir('shard2'));
    expect(m.code).toBe(0);
    expect(summary(dir('merged')).contentHash).toBe(summary(dir('whole')).contentHash);
    expect(summary(dir('merged')).results).toEqual(summary(dir('whole')).results);
    expect(existsSync(path.join(dir('merged'), 'report.html'))).toBe(true);
  });
});

describe('bad input exits 2 naming what is wrong and what is allowed', () => {
  const bad = async (argv: string[], ...patterns: RegExp[]) => {
    const r = await cli(...argv);
    expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    for (const p of patterns) expect(r.err).toMatch(p);
    return r;
  };

  it('unknown experiment, bad config field, bad --set, bad --shard', async () => {
    await bad(['run', 'nope'], /experiment: "nope"/, /one of .*test-walk/);
    await bad(['run', 'test-walk', '--set', 'steps=0', '--out', dir('x1')], /config\.steps: 0/, /≥ 1/);
    await bad(['run', 'test-walk', '--set', 'bogus=1', '--out', dir('x1')], /config\.bogus/, /known key/);
    await bad(['run', 'test-walk', '--set', '=3'], /--set: "=3"/, /key=value/);
    await bad(['run', 'test-walk', '--set', '__proto__.x=1'], /prototype keys are refused/);
    await bad(['run', 'test-walk', '--set', 'steps=1', '--set', 'steps=2'], /each field once/);
    await bad(['run', 'test-walk', '--shard', '3/2'], /--shard: "3\/2"/, /1 ≤ i ≤ n/);
    await bad(['run', 'test-walk', '--shard', 'a/b'], /--shard/);
    await bad(['run', 'test-walk', '--seed', '-1'], /--seed/);
    await bad(['config', 'nope'], /one of .*test-walk/);
    expect(existsSync(dir('x1'))).toBe(false); // nothing created before the input was checked
  });

  it('missing, unwritable or occupied output folder: refused before any work', async () => {
    await bad(['run', 'test-walk', '--out', path.join(root, 'no-such-parent', 'x')], /--out/, /parent exists/);
    await bad(['run', 'test-walk', '--out', dir('a')], /--out/, /new or empty folder .*resume/);
    writeFileSync(dir('a-file'), 'x');
    await bad(['run', 'test-walk', '--out', dir('a-file')], /a folder \(this is a file\)/);
    // /sys refuses new folders even to root; a read-only folder refuses them to anyone else
    if (existsSync('/sys/kernel')) await bad(['run', 'test-walk', '--out', '/sys/mirage-run'], /--out/, /can be created/);
    if (process.getuid?.() !== 0) {
      mkdirSync(dir('ro'));
      chmodSync(dir('ro'), 0o555);
      await bad(['run', 'test-walk', '--out', path.join(dir('ro'), 'x')], /--out/);
    }
  });

  it('resume of a finished run, a foreign folder, a corrupt record', async () => {
    await bad(['resume', dir('a')], /resume/, /has finished/);
    mkdirSync(dir('foreign'));
    writeFileSync(path.join(dir('foreign'), 'notes.txt'), 'hello');
    await bad(['resume', dir('foreign')], /not a mirage-lab run/);
    mkdirSync(dir('corrupt'));
    const lines = readFileSync(path.join(dir('whole'), 'run.jsonl'), 'utf8').split('\n');
    lines[3] = (lines[3] as string).replace('"kind":"event"', '"kind":"evnt"');
    writeFileSync(path.join(dir('corrupt'), 'run.jsonl'), lines.slice(0, 8).join('\n') + '\n');
    await bad(['resume', dir('corrupt')], /line 4: checksum mismatch/);
    await bad(['report', dir('corrupt')], /line 4/);
  });

  it('merge of shards of different configs, of a missing shard, of an unsharded run', async () => {
    expect((await cli('run', 'test-walk', '--out', dir('other2'), '--set', 'cells=5', '--set', 'steps=4', '--shard', '2/3', '--quiet')).code).toBe(0);
    await bad(['merge', dir('m1'), dir('shard1'), dir('other2'), dir('shard3')], /config differs in: steps/);
    await bad(['merge', dir('m2'), dir('shard1'), dir('shard3')], /missing: 2\/3/);
    await bad(['merge', dir('m3'), dir('whole')], /a shard .*unsharded/);
    expect(existsSync(dir('m1'))).toBe(false);
  });

  it('resume cuts a torn last line and finishes with the undisturbed content hash', async () => {
    // an interrupted record: the first 9 lines of a finished one, then half a line
    mkdirSync(dir('torn'));
    const full = readFileSync(path.join(dir('whole'), 'run.jsonl'), 'utf8').split('\n');
    const tornLine = (full[9] as string).slice(0, 25);
    writeFileSync(path.join(dir('torn'), 'run.jsonl'), `${full.slice(0, 9).join('\n')}\n`);
    appendFileSync(path.join(dir('torn'), 'run.jsonl'), tornLine);
    const r = await cli('resume', dir('torn'));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/cut a torn last line \(25 bytes\)/);
    expect(summary(dir('torn')).contentHash).toBe(summary(dir('whole')).contentHash);
    expect(summary(dir('torn')).results).toEqual(summary(dir('whole')).results);
  });
});
