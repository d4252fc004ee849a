import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, CHROMIUM, launchChromium, ROOT, serveStatic } from '../../src/bench/ui.ts';
import { encodeLine, RECORD_VERSION } from '../../src/runs/record.ts';
import { FIELDS } from '../../src/ui/settings.ts';

// Classroom mode in Debian's headless Chromium: the app built as `npm run build` builds it and
// served from a sub-path. Every lesson is walked with the keyboard alone and checked by axe-core;
// one prediction runs to its reveal; links hide and lock controls; saved runs survive a reload,
// go to `mirage-lab report` and come back from `mirage-lab run`; bad imports change nothing.
// Set CLASSROOM_SHOTS=1 to also run every lesson's prediction and write docs/img/lesson-*.png.
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`CI needs ${CHROMIUM} for the browser tests (apt-get install chromium)`);
if (!haveChromium) console.warn(`classroom browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [path.join(ROOT, 'bin/mirage-lab.js'), ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
const LESSON_IDS = ['baked-in-bias', 'find-the-sweet-spot', 'goodharts-drift', 'hot-or-cold', 'the-mirage', 'the-sensor-trick'];

interface Pred {
  lesson: string;
  step: string;
  choice: string;
  firstResultMs: number | null;
  done: boolean;
  error: string | null;
  reveal: { value: number | null; happened: string | null; right: boolean; asExpected: boolean; sentence: string } | null;
}
interface ClassState {
  lesson: string | null;
  step: number;
  finished: boolean;
  controls: string[];
  locked: string[];
  predictions: Pred[];
  readyMs: number | null;
  storageAlert: string | null;
  runsMessage: string;
}
interface StoredRun {
  id: string;
  name: string;
  status: string;
  contentHash: string | null;
  source: string;
}

/** A tiny evolve run: a few seconds, checkpointed every generation. */
const TINY_EVOLVE = { world: 'projectile', alpha: 0.5, generations: 6, population: 2, episodesPerGeneration: 32, anchorTasks: 4, probeTasks: 4, evalTasks: 4, trainTasks: 16, warmup: 1, seed: 3, params: { body: 'ball' } };

describe.skipIf(!haveChromium)('classroom mode in Chromium', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let dir = '';
  let tmp = '';
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mirage-class-'));
    tmp = mkdtempSync(path.join(os.tmpdir(), 'mirage-class-files-'));
    await buildApp(dir);
    server = await serveStatic(dir, '/class/room/');
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    console.log(`classroom timings (ms): ${JSON.stringify(timings)}`);
    await browser?.close();
    await server?.close();
    for (const d of [dir, tmp]) if (d) rmSync(d, { recursive: true, force: true });
  });

  async function open(query: string, opts: { page?: Page; reducedMotion?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
    const page = opts.page ?? (await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: opts.reducedMotion ? 'reduce' : 'no-preference' }));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url + query);
    await page.waitForFunction('window.mirageClass !== undefined || window.mirageAppError !== undefined', undefined, { timeout: 30_000 });
    expect(await page.evaluate('window.mirageAppError ?? null')).toBeNull();
    return { page, errors };
  }
  const state = (page: Page) => page.evaluate('window.mirageClass.state()') as Promise<ClassState>;
  const runs = (page: Page) => page.evaluate('window.mirageClass.runs()') as Promise<StoredRun[]>;

  async function axe(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
    await page.addScriptTag({ path: AXE });
    const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`)) as { id: string; impact: string; nodes: string[] }[];
    return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }

  /** Polls an async page expression from Node until it is truthy (waitForFunction does not await a promise from a string). */
  async function until(page: Page, expr: string, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await page.evaluate(expr))) {
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Tabs (forwards) until the element with `id` has focus; fails after `max` presses. */
  async function tabTo(page: Page, id: string, max = 80): Promise<void> {
    for (let i = 0; i < max; i++) {
      if ((await page.evaluate('document.activeElement?.id ?? ""')) === id) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  }

  it('every lesson: its first step is usable within the target, axe finds nothing serious, and the keyboard alone walks it to its end', async () => {
    for (const id of LESSON_IDS) {
      const { page, errors } = await open(`?lesson=${id}`);
      await page.waitForFunction('window.mirageClass.state().readyMs !== null', undefined, { timeout: 10_000 });
      const s = await state(page);
      timings[`ready:${id}`] = Math.round(s.readyMs as number);
      // Target 5 s from navigation (measured here); 3× that as the bound because npm test runs other files beside this one on 2 cores.
      expect(s.readyMs, id).toBeLessThan(15_000);
      expect(s.lesson).toBe(id);
      expect(await page.isVisible('#step-title')).toBe(true);
      expect(await axe(page), id).toEqual([]);
      const steps = ((await page.evaluate('window.mirageClass.lessons()')) as { id: string; steps: number }[]).find((l) => l.id === id)?.steps ?? 0;
      for (let i = 0; i < steps; i++) {
        expect((await state(page)).step, id).toBe(i);
        await tabTo(page, 'step-next');
        await page.keyboard.press('Enter');
        // Next moves focus to the new step's heading; the step index and the link follow.
        if (i < steps - 1) {
          await page.waitForFunction(`window.mirageClass.state().step === ${i + 1}`, undefined, { timeout: 5_000 });
          expect(await page.evaluate('document.activeElement?.id')).toBe('step-title');
          expect(new URLSearchParams(await page.evaluate('location.search')).get('step')).toBe(String(i + 2));
        }
      }
      expect((await state(page)).finished, id).toBe(true);
      expect(await page.evaluate('document.activeElement?.id')).toBe('lesson-done');
      expect(errors, id).toEqual([]);
      await page.close();
    }
  }, 600_000);

  it('keyboard: ? opens the help, Escape closes it, arrow keys move the dial, Space still presses buttons', async () => {
    const { page, errors } = await open('?lesson=find-the-sweet-spot');
    await page.keyboard.press('?');
    expect(await page.evaluate('document.getElementById("kbd-help").open')).toBe(true);
    expect(await axe(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await page.evaluate('document.getElementById("kbd-help").open')).toBe(false);
    await page.focus('#ctl-alpha');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction('window.mirageApp.settings().alpha === 0.6', undefined, { timeout: 5_000 });
    expect(new URLSearchParams(await page.evaluate('location.search')).get('alpha')).toBe('0.6');
    expect(await page.textContent('[data-control="alpha"] output')).toContain('0.60');
    await page.focus('#step-next');
    await page.keyboard.press(' ');
    await page.waitForFunction('window.mirageClass.state().step === 1', undefined, { timeout: 5_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('prefers-reduced-motion: the views start paused and the page says how to play them', async () => {
    const { page, errors } = await open('?lesson=the-mirage', { reducedMotion: true });
    await page.waitForFunction('window.mirageClass.state().viewsPaused === true', undefined, { timeout: 60_000 });
    expect(await page.textContent('#pause-note')).toMatch(/reduced motion.*Space to play/);
    await page.focus('#step-title');
    await page.keyboard.press(' ');
    expect((await state(page)) as unknown as { viewsPaused: boolean }).toMatchObject({ viewsPaused: false });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a prediction is recorded, the runs are saved, and the reveal shows it beside what happened', async () => {
    const { page, errors } = await open('?lesson=hot-or-cold&step=2');
    // Keyboard only: Tab to the first answer, arrow to the second, Tab to the button, Enter.
    await tabTo(page, 'choice-hotcold-more');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await tabTo(page, 'run-reveal');
    await page.keyboard.press('Enter');
    await page.waitForFunction('window.mirageClass.state().predictions.length === 1', undefined, { timeout: 5_000 });
    expect((await state(page)).predictions[0]?.choice).toBe('hotcold-more');
    await page.waitForFunction('window.mirageClass.state().predictions[0].firstResultMs !== null', undefined, { timeout: 60_000 });
    await page.waitForFunction('window.mirageClass.state().predictions[0].done || window.mirageClass.state().predictions[0].error', undefined, { timeout: 240_000 });
    const p = (await state(page)).predictions[0] as Pred;
    timings['firstResult:hot-or-cold'] = Math.round(p.firstResultMs as number);
    expect(p.error).toBeNull();
    expect(p.reveal?.value).not.toBeNull();
    expect(await page.isVisible('#reveal')).toBe(true);
    expect(await page.textContent('#reveal')).toContain('You predicted: Hot/cold carries more');
    expect(await page.evaluate('document.activeElement?.id')).toBe('reveal-title');
    // The reveal's number comes from the two saved records: both are listed as finished.
    const saved = await runs(page);
    expect(saved.filter((r) => r.name.startsWith('Hot or Cold') && r.status === 'finished')).toHaveLength(2);
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('hide= hides exactly those controls, lock= shows them read-only, and a hostile link says what it ignored', async () => {
    const { page } = await open('?lesson=find-the-sweet-spot&step=2&hide=seed&lock=alpha');
    let s = await state(page);
    expect(s.controls).toEqual(['alpha']);
    expect(s.locked).toEqual(['alpha']);
    expect(await page.isDisabled('#ctl-alpha')).toBe(true);
    expect(await page.$('#ctl-seed')).toBeNull();
    await page.close();

    // The sandbox (no lesson): every control but the hidden ones.
    const sandbox = await open('?hide=alpha,metric,world&lock=seed');
    s = await state(sandbox.page);
    const expected = FIELDS.map((f) => f.key).filter((k) => !['alpha', 'metric', 'world', 'renderer'].includes(k));
    expect(s.controls).toEqual(expected);
    expect(s.locked).toEqual(['seed']);
    expect(await axe(sandbox.page)).toEqual([]);
    await sandbox.page.close();

    const hostile = await open('?lesson=atlantis&step=99&hide=warp,__proto__&alpha=7&seed=5');
    const ignored = (await hostile.page.evaluate('window.mirageApp.ignored()')) as string[];
    expect(ignored.join('\n')).toMatch(/lesson=atlantis: no such lesson/);
    expect(ignored.join('\n')).toMatch(/step=99: no lesson to step through/);
    expect(ignored.join('\n')).toMatch(/hide=warp: not a control/);
    expect(ignored.join('\n')).toMatch(/hide=__proto__: not a control/);
    expect(ignored.join('\n')).toMatch(/alpha=7/);
    expect(await hostile.page.isVisible('#ignored')).toBe(true);
    expect(((await hostile.page.evaluate('window.mirageApp.settings()')) as { seed: number }).seed).toBe(5);
    expect(await hostile.page.evaluate('window.mirageClass.mode()')).toBe(false);
    expect(hostile.errors).toEqual([]);
    await hostile.page.close();
  }, 120_000);

  it("a teacher's own lesson file opens without a build; a broken one is refused with its problems", async () => {
    const { page, errors } = await open('');
    const lesson = JSON.parse(readFileSync(path.join(ROOT, 'lessons/hot-or-cold.json'), 'utf8')) as Record<string, unknown>;
    const broken = path.join(tmp, 'broken-lesson.json');
    writeFileSync(broken, JSON.stringify({ ...lesson, id: 'my-own', steps: [{ id: 'x', title: 'x', text: ['x'], controls: ['warp'] }] }));
    await page.setInputFiles('#lesson-file', broken);
    await page.waitForSelector('#lesson-file-message li');
    expect(await page.textContent('#lesson-file-message')).toContain('steps[0].controls: "warp" is not a setting');
    const mine = path.join(tmp, 'my-lesson.json');
    writeFileSync(mine, JSON.stringify({ ...lesson, id: 'my-own', title: 'My Own' }));
    await Promise.all([page.waitForURL(/lesson=my-own/), page.setInputFiles('#lesson-file', mine)]);
    await page.waitForFunction('window.mirageClass?.state().lesson === "my-own"', undefined, { timeout: 30_000 });
    expect(await page.textContent('#lesson-title')).toContain('My Own');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a run survives a reload and resumes to the same content hash as an undisturbed run; it exports to `mirage-lab report`', async () => {
    const { page } = await open('');
    const id = (await page.evaluate(`window.mirageClass.record('evolve', ${JSON.stringify(TINY_EVOLVE)}, 'reload test')`)) as string;
    // Reload once two generations are checkpointed and before the end.
    await until(page, `window.mirageClass.runText(${JSON.stringify(id)}).then((t) => (t.match(/"type":"checkpoint"/g) ?? []).length >= 2)`, 180_000);
    const before = (await runs(page)).find((r) => r.id === id);
    expect(before?.status).toBe('incomplete');
    await page.reload();
    await page.waitForFunction('window.mirageClass !== undefined', undefined, { timeout: 30_000 });
    await page.evaluate('window.mirageClass.refreshRuns()');
    const resume = page.locator(`tr[data-run="${id}"] button[data-action="resume"]`);
    await resume.waitFor({ timeout: 10_000 });
    await resume.focus();
    await page.keyboard.press('Enter');
    await until(page, `window.mirageClass.runs().then((rs) => rs.find((r) => r.id === ${JSON.stringify(id)})?.status === 'finished')`, 180_000);
    const resumed = (await runs(page)).find((r) => r.id === id) as StoredRun;
    const text = (await page.evaluate(`window.mirageClass.runText(${JSON.stringify(id)})`)) as string;
    expect(text).toContain('"kind":"resumed"');

    const other = (await page.evaluate(`window.mirageClass.record('evolve', ${JSON.stringify(TINY_EVOLVE)}, 'undisturbed')`)) as string;
    await until(page, `window.mirageClass.runs().then((rs) => rs.find((r) => r.id === ${JSON.stringify(other)})?.status === 'finished')`, 180_000);
    const undisturbed = (await runs(page)).find((r) => r.id === other) as StoredRun;
    expect(resumed.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(resumed.contentHash).toBe(undisturbed.contentHash);

    // Export (the page's own button) → a run folder → `mirage-lab report` reads it and finds the same hash.
    await page.evaluate('window.mirageClass.refreshRuns()');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`tr[data-run="${id}"] button[data-action="export"]`)]);
    const runDir = path.join(tmp, 'exported');
    mkdirSync(runDir, { recursive: true });
    await download.saveAs(path.join(runDir, 'run.jsonl'));
    const { stdout } = await cli('report', runDir, '--json');
    const summary = JSON.parse(stdout) as { status: string; contentHash: string; experiment: string };
    expect(summary).toMatchObject({ status: 'finished', experiment: 'evolve', contentHash: resumed.contentHash });
    expect(existsSync(path.join(runDir, 'report.html'))).toBe(true);
    await page.close();
  }, 420_000);

  it('a record made by `mirage-lab run` imports and opens; corrupt, newer and hostile files are refused and stored runs stay as they were', async () => {
    const runDir = path.join(tmp, 'cli-run');
    await cli('run', 'train', '--set', 'episodes=128', '--set', 'evalPoints=2', '--set', 'evalTasks=8', '--set', 'trainTasks=32', '--workers', '1', '--out', runDir, '--quiet');
    const cliSummary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as { contentHash: string };
    const good = readFileSync(path.join(runDir, 'run.jsonl'), 'utf8');
    const { page, errors } = await open('');
    await page.setInputFiles('#import-file', path.join(runDir, 'run.jsonl'));
    await page.waitForFunction('window.mirageClass.state().runsMessage.startsWith("Imported")', undefined, { timeout: 10_000 });
    const imported = (await runs(page)).find((r) => r.source === 'import') as StoredRun;
    expect(imported.contentHash).toBe(cliSummary.contentHash);
    await page.click(`tr[data-run="${imported.id}"] button[data-action="open"]`);
    expect(await page.textContent('#run-detail')).toContain(cliSummary.contentHash);

    const snapshot = async () => {
      const list = await runs(page);
      return Promise.all(list.map(async (r) => ({ ...r, text: (await page.evaluate(`window.mirageClass.runText(${JSON.stringify(r.id)})`)) as string })));
    };
    const before = await snapshot();
    const lines = good.split('\n');
    const bad: [string, string, RegExp][] = [
      ['corrupt.jsonl', [lines[0], (lines[1] as string).replace('"seq":1', '"seq":1 '), ...lines.slice(2)].join('\n'), /checksum mismatch/],
      ['newer.jsonl', [encodeLine({ ...(JSON.parse((lines[0] as string).replace(/,"crc":"[0-9a-f]{8}"\}$/, '}')) as { seq: number; kind: string }), recordVersion: RECORD_VERSION + 1 }).trimEnd(), ...lines.slice(1)].join('\n'), /newer than this mirage-lab reads/],
      ['hostile.jsonl', `${lines[0]}\n{"seq":1,"kind":"event","__proto__":{"polluted":true}}\n`, /__proto__.*hostile/],
      ['cut.jsonl', good.slice(0, -7), /torn/],
    ];
    for (const [name, text, why] of bad) {
      const file = path.join(tmp, name);
      writeFileSync(file, text);
      await page.setInputFiles('#import-file', file);
      await page.waitForFunction(`window.mirageClass.state().runsMessage.includes(${JSON.stringify(name)})`, undefined, { timeout: 10_000 });
      const msg = (await state(page)).runsMessage;
      expect(msg, name).toMatch(/^Refused/);
      expect(msg, name).toMatch(why);
      expect(msg, name).toContain('Nothing stored was changed');
    }
    expect(await snapshot()).toEqual(before);
    expect(await page.evaluate('({}).polluted')).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('storage full: a clear message, the run finishes in memory, stored runs untouched', async () => {
    const { page } = await open('');
    const before = await runs(page);
    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(server.url).origin;
    // A real quota: the origin may not grow past what it uses now (plus a few bytes).
    const { usage } = (await cdp.send('Storage.getUsageAndQuota', { origin })) as { usage: number };
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 64 });
    const id = (await page.evaluate(`window.mirageClass.record('evolve', ${JSON.stringify({ ...TINY_EVOLVE, generations: 2 })}, 'quota test')`)) as string;
    await page.waitForFunction('window.mirageClass.state().storageAlert !== null', undefined, { timeout: 120_000 });
    expect((await state(page)).storageAlert).toMatch(/storage for this page is full.*in memory only.*untouched/);
    await page.waitForSelector('text=in memory only (not saved)', { timeout: 180_000 });
    const after = await runs(page);
    for (const r of before) expect(after.find((a) => a.id === r.id)).toEqual(r);
    expect(id).toBeTruthy();
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await page.close();
  }, 300_000);

  it.runIf(process.env.CLASSROOM_SHOTS === '1')('every lesson’s prediction runs to its reveal (screenshots for docs/classroom.md)', async () => {
    mkdirSync(path.join(ROOT, 'docs/img'), { recursive: true });
    const out: Record<string, unknown> = {};
    for (const id of LESSON_IDS) {
      const first = await open('');
      const lessons = (await first.page.evaluate('window.mirageClass.lessons()')) as { id: string; predicts: number[] }[];
      await first.page.close();
      const step = (lessons.find((l) => l.id === id)?.predicts[0] ?? 0) + 1;
      const { page, errors } = await open(`?lesson=${id}&step=${step}`);
      await page.waitForTimeout(3_000);
      await tabTo(page, 'run-reveal');
      await page.check('#predict input[type=radio] >> nth=0');
      await page.focus('#run-reveal');
      await page.keyboard.press('Enter');
      await page.waitForFunction('window.mirageClass.state().predictions[0]?.done || window.mirageClass.state().predictions[0]?.error', undefined, { timeout: 600_000 });
      const p = (await state(page)).predictions[0] as Pred;
      out[id] = { firstResultMs: Math.round(p.firstResultMs ?? -1), reveal: p.reveal, error: p.error };
      await page.waitForTimeout(1_500);
      await page.screenshot({ path: path.join(ROOT, `docs/img/lesson-${id}.png`), clip: { x: 0, y: 0, width: 1280, height: 1250 }, fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }
    writeFileSync(path.join(tmp, 'shots.json'), JSON.stringify(out, null, 2));
    console.log(`lesson reveals: ${JSON.stringify(out)}`);
  }, 3_600_000);
});
