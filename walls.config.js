// The import walls as data, checked twice: by the `walls/imports` lint rule (eslint.config.js)
// and by the import-graph test (tests/anchors/walls.test.ts), which walks the real graph.
// To add a wall or widen an allow-list, edit the data here; both checks pick it up.
//
// A wall applies to the files matching `files` (repo-relative globs) minus `except`, and forbids
// imports whose target matches `forbid`, or — with `allowOnly` — every relative import whose
// target matches none of `allowOnly`. Relative targets are resolved to repo-relative paths
// (`dir/**` also matches `dir` itself, so `'../../worlds'` counts); package specifiers are
// matched against `forbidPackages` as given (`node:*`, `pixi.js`).
import { builtinModules } from 'node:module';
import path from 'node:path';

/** Node entry points and Node-only adapters: the only files that may import `node:` modules. */
export const NODE_ALLOWED = [
  'src/cli/**',
  'src/bench/**',
  'src/runs/file-sink*.ts',
  'src/runs/node/**',
  'src/learners/tf-node.ts',
  'workers/*node*',
];

/** Wall 1's parties: they get world facts as plain data and verdicts only through the oracle. */
const SHIELDED = ['src/learners/**', 'src/meta/**', 'src/feedback/**'];

/** Every wall; `name` appears in lint messages and test failures. */
export const WALLS = [
  {
    name: 'no pixi outside the UI',
    files: ['**'],
    except: ['src/ui/**', 'tests/browser/**'],
    forbidPackages: ['pixi.js', 'pixi.js/*', '@pixi/*'],
    message: 'pixi.js belongs in src/ui/ only.',
  },
  {
    name: 'wall 1: no probe tasks or world code',
    files: SHIELDED,
    forbid: ['src/anchors/probe*', 'worlds/**'],
    message: 'Wall 1: learners, the meta-agent and feedback never import probe tasks or world/check code; they get plain data (LearnerEnv) and anchor verdicts through the AnchorOracle.',
  },
  {
    name: 'learners, meta and feedback never import src/anchors',
    files: SHIELDED,
    forbid: ['src/anchors/**'],
    message: 'Learners, the meta-agent and feedback never import src/anchors: the runner hands them what the gate decides (metrics from src/metrics, proposals from src/meta).',
  },
  {
    name: 'worlds import only src/core and worlds/shared',
    files: ['worlds/**'],
    except: ['worlds/index.ts'],
    allowOnly: ['src/core/**', 'worlds/shared/**'],
    message: 'A world imports only src/core and worlds/shared (and packages): it is simulation, not a client of learners, feedback or metrics.',
  },
  {
    name: 'the world registry imports only worlds and src/core',
    files: ['worlds/index.ts'],
    allowOnly: ['src/core/**', 'worlds/**'],
    message: 'worlds/index.ts is the registry: it imports the worlds and src/core only.',
  },
  {
    name: 'node: only in Node entry points and adapters',
    files: ['src/**', 'worlds/**', 'workers/**'],
    except: NODE_ALLOWED,
    forbidPackages: ['node:**', ...builtinModules.filter((m) => !m.startsWith('_'))],
    message: `Node built-ins only in Node entry points and Node-only adapters (${NODE_ALLOWED.join(', ')}; extend NODE_ALLOWED in walls.config.js): the core runs in the browser too.`,
  },
];

/** A glob (`**`, `*`, `?`) as an anchored regular expression over `/`-separated paths. */
export function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `dir/**` matches `dir` and everything below it; `**/x` matches `x` at any depth.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        if (re.endsWith('/')) re = `${re.slice(0, -1)}(?:/.*)?`;
        else re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const cache = new Map();
/** True when `p` matches one of `globs`. */
export function matchesAny(p, globs) {
  return (globs ?? []).some((g) => {
    let r = cache.get(g);
    if (!r) cache.set(g, (r = globToRegExp(g)));
    return r.test(p);
  });
}

/** The walls that apply to a repo-relative file path. */
export function wallsFor(file) {
  return WALLS.filter((w) => matchesAny(file, w.files) && !matchesAny(file, w.except));
}

/**
 * The walls an import breaks: `file` and the result are repo-relative with `/` separators;
 * `spec` is the import specifier as written. Relative specifiers are resolved against the file.
 */
export function wallViolations(file, spec) {
  const relative = spec.startsWith('.');
  const target = relative ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) : spec;
  return wallsFor(file).filter((w) => {
    if (!relative) return matchesAny(spec, w.forbidPackages);
    if (matchesAny(target, w.forbid)) return true;
    return w.allowOnly !== undefined && !matchesAny(target, w.allowOnly);
  });
}

/** The `walls/imports` lint rule: reports every import that breaks a wall above. */
export const wallsPlugin = {
  rules: {
    imports: {
      meta: { type: 'problem', docs: { description: 'Imports must respect the walls in walls.config.js.' }, schema: [] },
      create(context) {
        const file = path.relative(context.cwd, context.filename).split(path.sep).join('/');
        if (file.startsWith('..') || wallsFor(file).length === 0) return {};
        const check = (node) => {
          const source = node.source;
          if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
          for (const wall of wallViolations(file, source.value)) {
            context.report({ node: source, message: `'${source.value}' breaks the wall "${wall.name}": ${wall.message}` });
          }
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};
