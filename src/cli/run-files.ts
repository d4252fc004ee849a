/**
 * What the run commands share on Node: run folders (record, summary, report, SVGs), provenance
 * from the installed packages, the output-folder checks done before any work, config files and
 * `--set`, `--shard`, the progress display and Ctrl-C handling.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { InputError } from '../core/runtime.ts';
import type { BatchRunner } from '../core/checkWorld.ts';
import type { AnyExperiment, ExperimentEvent, LearnerRunner } from '../experiments/types.ts';
import type { RunHost, RunOutcome } from '../runs/runner.ts';
import { getExperiment, parseExperimentConfig } from '../experiments/registry.ts';
import { effectiveEvents, parseRecord, RecordCorruptError, RecordVersionError, type ParsedRecord, type Provenance, type Shard } from '../runs/record.ts';
import { makeProvenance } from '../runs/provenance.ts';
import { summaryOf, type RunSummary } from '../runs/summary.ts';
import { buildReport } from '../charts/report.ts';
import type { CliIO } from './io.ts';

/** File names inside a run folder. */
export const RECORD_FILE = 'run.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const REPORT_FILE = 'report.html';

const require = createRequire(import.meta.url);

// Packages whose version can change a result (physics, learners, seeded draws, schemas).
const RESULT_PACKAGES = ['matter-js', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'pure-rand', 'zod', '@noble/hashes'];

function installedVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // Some packages do not export package.json: find it beside the resolved entry.
    try {
      let dir = path.dirname(require.resolve(name));
      while (dir !== path.dirname(dir)) {
        const p = path.join(dir, 'package.json');
        if (existsSync(p)) {
          const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
          if (pkg.name === name && pkg.version) return pkg.version;
        }
        dir = path.dirname(dir);
      }
    } catch {
      // not installed
    }
    return 'missing';
  }
}

/** The provenance of a run made now on this machine. */
export function nodeProvenance(backend: string): Provenance {
  const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return makeProvenance({
    mirageLab: own.version,
    packages: Object.fromEntries(RESULT_PACKAGES.map((n) => [n, installedVersion(n)])),
    runtime: `node ${process.version}`,
    backend,
  });
}

/** Initialises tfjs when the experiment needs it; returns the backend to record. */
export async function backendFor(experiment: AnyExperiment): Promise<string> {
  if (!experiment.needsTf && !experiment.learnerJobs) return 'none';
  const { initTfNode } = await import('../learners/tf-node.ts');
  return (await initTfNode()).backend;
}

/** Reads a run folder's record; a missing or foreign folder or a corrupt record is an InputError. */
export function readRunDir(dir: string): { record: ParsedRecord; file: string } {
  const file = path.join(dir, RECORD_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError('run folder', dir, code === 'ENOENT' ? `a run folder holding ${RECORD_FILE} (none here: not a mirage-lab run)` : `a readable run folder (${code ?? String(err)})`);
  }
  try {
    return { record: parseRecord(text), file };
  } catch (err) {
    if (err instanceof RecordCorruptError || err instanceof RecordVersionError) throw new InputError('run folder', dir, `an intact record: ${err.message}`);
    throw err;
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Writes summary.json, report.html and one SVG per chart from the record alone. */
export async function writeRunOutputs(dir: string, record: ParsedRecord): Promise<RunSummary> {
  const summary = summaryOf(record);
  let experiment: AnyExperiment | undefined;
  try {
    experiment = getExperiment(summary.experiment);
  } catch {
    experiment = undefined; // a record of an experiment this build no longer has: report it plainly
  }
  const events = effectiveEvents(record).map((l) => l.event);
  const { html, charts } = await buildReport({ summary, events, ...(experiment ? { experiment } : {}) });
  writeAtomic(path.join(dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  for (const c of charts) writeAtomic(path.join(dir, `chart-${c.id.replace(/[^A-Za-z0-9_-]/g, '_')}.svg`), c.svg);
  writeAtomic(path.join(dir, REPORT_FILE), html);
  return summary;
}

/**
 * Makes sure a new run can write to `dir` before any work starts: the parent must exist (the
 * default `runs/` is created), the folder must be new or empty, and writable.
 */
export function prepareOutDir(dir: string, opts: { createParent: boolean }): void {
  const parent = path.dirname(path.resolve(dir));
  if (!existsSync(parent)) {
    if (opts.createParent) mkdirSync(parent, { recursive: true });
    else throw new InputError('--out', dir, `a folder whose parent exists (${parent} does not)`);
  }
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError('--out', dir, 'a folder (this is a file)');
    if (readdirSync(dir).length > 0) throw new InputError('--out', dir, `a new or empty folder (this one holds files${existsSync(path.join(dir, RECORD_FILE)) ? ': a run; continue it with `mirage-lab resume`' : ''})`);
  } else {
    try {
      mkdirSync(dir);
    } catch (err) {
      throw new InputError('--out', dir, `a folder that can be created (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    throw new InputError('--out', dir, `a writable folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** `runs/<experiment>-<timestamp>`. */
export function defaultOutDir(experimentId: string, date: Date): string {
  return path.join('runs', `${experimentId}-${date.toISOString().replace(/[:.]/g, '-')}`);
}

/** `--shard i/n` with 1 ≤ i ≤ n. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count || count > 100_000) throw new InputError('--shard', text, 'i/n with 1 ≤ i ≤ n (e.g. 1/4 … 4/4)');
  return { index, count };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Applies `--set key=value` to a config: dotted keys reach nested fields, values are JSON when
 * they parse as JSON (numbers, true/false, arrays, objects), strings otherwise. Prototype keys
 * and repeats are refused; the experiment's schema then checks names and ranges.
 */
export function applySets(config: Record<string, unknown>, pairs: readonly string[]): Record<string, unknown> {
  const out = structuredClone(config);
  const seen = new Set<string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError('--set', pair, 'key=value (e.g. --set generations=10)');
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    const parts = key.split('.');
    if (parts.some((p) => FORBIDDEN_KEYS.has(p))) throw new InputError('--set', key, 'a config field (prototype keys are refused)');
    if (parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) throw new InputError('--set', key, 'a config field of letters, digits and _ (dots for nested fields)');
    if (seen.has(key)) throw new InputError(`--set ${key}`, raw, 'each field once');
    seen.add(key);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    let target: Record<string, unknown> = out;
    for (const p of parts.slice(0, -1)) {
      const next = Object.prototype.hasOwnProperty.call(target, p) ? target[p] : undefined;
      if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next))) throw new InputError('--set', key, `a field inside an object (${p} is not one)`);
      if (next === undefined) target[p] = {};
      target = target[p] as Record<string, unknown>;
    }
    target[parts.at(-1) as string] = value;
  }
  return out;
}

/** A config file: `{ "experiment": id, "config": { … } }` (what `mirage-lab config` prints). */
export const configFileSchema = z.strictObject({ experiment: z.string(), config: z.record(z.string(), z.unknown()).default({}) });

/** Reads a config file; unreadable or malformed is an InputError naming the file. */
export function readConfigFile(file: string): z.infer<typeof configFileSchema> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('config file', file, `a readable JSON file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError('config file', file, `JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const r = configFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue?.path.join('.') || 'file';
    throw new InputError(`config file ${file}`, where, '{ "experiment": "<id>", "config": { … } } (see `mirage-lab config <experiment>`)');
  }
  return r.data;
}

/** Resolves `run`'s target (an experiment id or a config file) into an experiment and a parsed config. */
export function resolveRunTarget(target: string, opts: { quick?: boolean; seed?: number; sets: readonly string[] }): { experiment: AnyExperiment; config: { seed: number } & Record<string, unknown> } {
  const isFile = target.endsWith('.json') || (existsSync(target) && statSync(target).isFile());
  const file = isFile ? readConfigFile(target) : null;
  const experiment = getExperiment(file ? file.experiment : target);
  let overrides: Record<string, unknown> = { ...(file?.config ?? {}) };
  if (opts.seed !== undefined) overrides.seed = opts.seed;
  overrides = applySets(overrides, opts.sets);
  return { experiment, config: parseExperimentConfig(experiment, overrides, { quick: opts.quick ?? false }) };
}

/** Shows progress: a bar per stage on a terminal, one plain line per stage otherwise, nothing with --quiet. */
export function progressView(io: CliIO, mode: 'bar' | 'lines' | 'quiet'): { onEvent: (e: ExperimentEvent) => void; stop: () => void } {
  if (mode === 'quiet') return { onEvent: () => {}, stop: () => {} };
  let stage = '';
  let bar: cliProgress.SingleBar | null = null;
  const stopBar = () => {
    bar?.stop();
    bar = null;
  };
  return {
    onEvent: (e) => {
      if (e.type === 'started') {
        if (mode === 'lines') io.err(`started${e.total !== undefined ? `: ${e.total} ${e.unit ?? 'steps'}` : ''}`);
        return;
      }
      if (e.type === 'finished') return stopBar();
      if (e.type !== 'progress') return;
      if (e.stage !== stage) {
        stage = e.stage;
        if (mode === 'lines') io.err(`${e.stage} · ${e.done}/${e.total}${e.unit ? ` ${e.unit}` : ''}`);
        else {
          stopBar();
          bar = new cliProgress.SingleBar({ format: `${e.stage} [{bar}] {percentage}% | {value}/{total} ${e.unit ?? ''} | eta {eta}s`, stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
          bar.start(e.total, 0);
        }
      }
      bar?.setTotal(e.total);
      bar?.update(e.done);
    },
    stop: stopBar,
  };
}

/**
 * Ctrl-C / SIGTERM: the first signal asks the run to stop at its next checkpoint; a second one
 * exits at once (130). Returns the controller and a function removing the handlers.
 */
export function stopOnSignals(io: CliIO): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    io.err(`mirage-lab: ${sig}: stopping at the next checkpoint (again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    controller,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** One line about a run for `run`, `resume`, `merge`. */
export function outcomeLine(dir: string, summary: RunSummary): string {
  let key = '';
  if (summary.status === 'finished') {
    try {
      const k = getExperiment(summary.experiment).keyResult?.(summary.results);
      if (k) key = ` · ${k}`;
    } catch {
      // experiment gone from the registry: no key result
    }
  }
  return `${summary.status}: ${summary.experiment} seed ${summary.seed}${key} · content ${summary.contentHash.slice(0, 12)} · ${dir}`;
}

/** How `run` and `resume` show and report. */
export interface ExecOptions {
  readonly workers: number;
  readonly json: boolean;
  readonly quiet: boolean;
}

/**
 * The workers of a run, started on first use (a run that simulates nothing starts none): a
 * physics pool, or for experiments with `learnerJobs` a pool of learner workers that run both
 * the physics and the learner jobs.
 */
async function runWorkers(experiment: AnyExperiment, workers: number): Promise<{ batch: BatchRunner; learners?: LearnerRunner; close: () => Promise<void> }> {
  if (experiment.learnerJobs) {
    const { createLearnerPool } = await import('../../workers/learner-node.ts');
    let pool: ReturnType<typeof createLearnerPool> | null = null;
    const get = () => (pool ??= createLearnerPool(workers));
    return {
      batch: { runBatch: async (req) => (await get()).batch.runBatch(req), close: async () => {} },
      learners: { workers, run: async (job) => (await get()).learners.run(job) },
      close: async () => {
        if (pool) await (await pool).close();
      },
    };
  }
  const { lazyRunner } = await import('../runs/in-process.ts');
  const { createNodePool } = await import('../../workers/node-pool.ts');
  const batch = lazyRunner(async () => {
    const p = await createNodePool(workers);
    return { runBatch: (req) => p.runBatch(req), close: () => p.close() };
  });
  return { batch, close: () => batch.close() };
}

/**
 * Drives a new run or a resume into `dir` with lazily started workers, Ctrl-C handling and
 * progress; writes summary, report and SVGs at the end (finished or interrupted) and sets the
 * exit code (0 finished, 130 interrupted).
 */
export async function executeRun(io: CliIO, state: { code: number }, dir: string, experiment: AnyExperiment, opts: ExecOptions, start: (host: RunHost) => Promise<RunOutcome>): Promise<void> {
  const pools = await runWorkers(experiment, opts.workers);
  const mode = opts.quiet || opts.json ? 'quiet' : io.progress ? 'bar' : 'lines';
  const view = progressView(io, mode);
  const signals = stopOnSignals(io);
  let outcome;
  try {
    outcome = await start({ batch: pools.batch, ...(pools.learners ? { learners: pools.learners } : {}), workers: opts.workers, signal: signals.controller.signal, now: () => new Date().toISOString(), onEvent: view.onEvent });
  } finally {
    view.stop();
    signals.dispose();
    await pools.close();
  }
  const { record } = readRunDir(dir);
  const summary = await writeRunOutputs(dir, record);
  if (summary.contentHash !== outcome.contentHash) throw new Error(`the record in ${dir} reads back with content hash ${summary.contentHash}, but the run computed ${outcome.contentHash}`);
  if (opts.json) io.out(JSON.stringify(summary));
  else if (!opts.quiet) io.out(outcomeLine(dir, summary));
  if (outcome.status === 'interrupted') {
    if (!opts.json) io.err(`continue with: mirage-lab resume ${dir}`);
    state.code = 130;
  }
}
