/**
 * Node worker scripts as one bundled file each. Loading the TypeScript sources through tsx costs
 * every worker a loader thread and a hooks round trip per module: measured here, a learner worker
 * took about 1.5× as long to answer its first ping through tsx as from a bundle of the same
 * sources, and a run pays that once per worker. So the first pool of a process bundles
 * `<name>.node-entry.ts` with esbuild (the transform tsx itself uses) into the temporary folder,
 * named by the bundle's sha-256 (identical sources give the same file; nothing is ever stale), and
 * workers start from it. Packages stay outside the bundle, imported by absolute path exactly as a
 * source file would import them. Should esbuild be missing or fail, workers start through tsx
 * (`<name>.node-worker.mjs`) as before; `MIRAGE_WORKER_BUNDLE=0` forces that path.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Node worker scripts. */
export type NodeWorkerName = 'physics' | 'learner';

/** How a worker script was obtained (for diagnostics and the bench). */
export interface WorkerScript {
  readonly url: URL;
  /** 'bundle', or 'tsx' with the reason the bundle was not used. */
  readonly via: 'bundle' | 'tsx';
  readonly reason?: string;
}

const scripts = new Map<NodeWorkerName, Promise<WorkerScript>>();

/** The script Node workers of `name` start from (built once per process). */
export function workerScript(name: NodeWorkerName): Promise<WorkerScript> {
  let s = scripts.get(name);
  if (!s) {
    s = build(name);
    scripts.set(name, s);
  }
  return s;
}

/** Marks the plugin's own resolve call (so it does not recurse). */
const RESOLVING = Symbol('resolving');
const isBare = (spec: string): boolean => !spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('node:') && !/^[a-z]+:/i.test(spec);

async function build(name: NodeWorkerName): Promise<WorkerScript> {
  const fallback = new URL(`./${name}.node-worker.mjs`, import.meta.url);
  if (process.env.MIRAGE_WORKER_BUNDLE === '0') return { url: fallback, via: 'tsx', reason: 'MIRAGE_WORKER_BUNDLE=0' };
  try {
    const esbuild = await import('esbuild');
    const entry = fileURLToPath(new URL(`./${name}.node-entry.ts`, import.meta.url));
    const out = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      plugins: [
        {
          name: 'packages-by-absolute-url',
          setup(b) {
            // A package import becomes the file a source file's own `import` resolves to (ESM
            // conditions), so the bundle can live outside the project and loads the same code.
            b.onResolve({ filter: /.*/ }, async (args) => {
              if (args.kind === 'entry-point' || args.pluginData === RESOLVING || !isBare(args.path)) return undefined;
              const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: RESOLVING });
              if (r.errors.length > 0) return { errors: r.errors };
              return { path: pathToFileURL(r.path).href, external: true };
            });
          },
        },
      ],
    });
    const file = out.outputFiles[0];
    if (!file) throw new Error('esbuild produced no output');
    const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 16);
    const dir = join(tmpdir(), 'mirage-lab-workers');
    const path = join(dir, `${name}-${hash}.mjs`);
    if (!existsSync(path)) {
      mkdirSync(dir, { recursive: true });
      // Written aside and renamed: a worker of another process never reads a half-written file.
      const part = `${path}.${process.pid}.part`;
      writeFileSync(part, file.contents);
      renameSync(part, path);
    }
    return { url: pathToFileURL(path), via: 'bundle' };
  } catch (err) {
    return { url: fallback, via: 'tsx', reason: err instanceof Error ? err.message : String(err) };
  }
}
