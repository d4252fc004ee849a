/**
 * `npm run golden:update`: the only way golden files change. Recomputes every registered world's
 * golden record, prints what changed against the stored file (field by field, each moved
 * measurement sum with its old and new value), then writes the files. Review the printout and the
 * `git diff`, and say why in the commit that changes them. golden.test.ts itself never writes.
 *
 * `npm run golden:update -- --check` prints the same report and writes nothing (exit 1 if
 * anything differs), for a look before deciding.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WORLDS } from '../../worlds/index.ts';
import { goldenRecord, type GoldenRecord } from './golden.ts';

/** One line per difference between a stored record and a fresh one (empty when equal). */
export function goldenChanges(stored: GoldenRecord | undefined, now: GoldenRecord): string[] {
  if (!stored) return [`new golden file (${now.episodes} episodes, digest ${now.hash.slice(0, 12)})`];
  const lines: string[] = [];
  for (const key of ['version', 'seed', 'episodes', 'checksHash', 'gtPassRate', 'hash'] as const) {
    if (stored[key] !== now[key]) lines.push(`${key}: ${String(stored[key])} → ${String(now[key])}`);
  }
  const names = new Set([...Object.keys(stored.measurementSums), ...Object.keys(now.measurementSums)]);
  for (const name of [...names].sort()) {
    const a = stored.measurementSums[name];
    const b = now.measurementSums[name];
    if (a !== b) lines.push(`measurement ${name}: sum ${a ?? '(absent)'} → ${b ?? '(absent)'}`);
  }
  return lines;
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  let changed = 0;
  for (const world of WORLDS) {
    const file = fileURLToPath(new URL(`./${world.id}.json`, import.meta.url));
    const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as GoldenRecord) : undefined;
    const now = goldenRecord(world);
    const lines = goldenChanges(stored, now);
    if (lines.length === 0) {
      console.log(`${world.id}: unchanged`);
      continue;
    }
    changed++;
    console.log(`${world.id}: ${check ? 'would change' : 'CHANGED'}`);
    for (const l of lines) console.log(`  ${l}`);
    if (!check) writeFileSync(file, `${JSON.stringify(now, null, 2)}\n`);
  }
  console.log(changed === 0 ? 'no golden file changed' : `${changed} golden file(s) ${check ? 'would change' : 'rewritten: review `git diff tests/golden` and explain the change in the commit'}`);
  return check && changed > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
