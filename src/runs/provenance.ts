/**
 * Provenance of a run: the anchors hash and world versions come from the world registry; package
 * versions, runtime and backend from the host (the CLI reads installed versions, the app its build).
 */
import { WORLDS } from '../../worlds/index.ts';
import { canonicalJson, sha256Hex, type Provenance } from './record.ts';

/** Every world's version, by id. */
export function worldVersions(): Record<string, number> {
  return Object.fromEntries(WORLDS.map((w) => [w.id, w.version]));
}

/**
 * sha-256 over every world's id, version and ground-truth checks hash: changes whenever any
 * anchor (a frozen check) changes, so a resume or merge across such a change is refused.
 */
export function anchorsHash(): string {
  return sha256Hex(canonicalJson(WORLDS.map((w) => ({ id: w.id, version: w.version, checks: w.checks.hash }))));
}

/** The provenance of a run made now, given what only the host knows. */
export function makeProvenance(host: { mirageLab: string; packages: Record<string, string>; runtime: string; backend: string }): Provenance {
  return {
    anchorsHash: anchorsHash(),
    versions: { mirageLab: host.mirageLab, packages: host.packages, worlds: worldVersions(), runtime: host.runtime },
    backend: host.backend,
  };
}
