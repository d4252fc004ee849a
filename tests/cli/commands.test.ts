import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { buildProgram } from '../../src/cli/main.ts';

describe('the command layout', () => {
  it('each command module registers exactly the command it names, once', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) {
      const program = buildProgram({ io: { out: () => {}, err: () => {}, progress: false }, state: { code: 0 } }, [c]);
      expect(program.commands.map((x) => x.name())).toEqual([c.name]);
    }
  });

  it('the program lists every command module', () => {
    const program = buildProgram({ io: { out: () => {}, err: () => {}, progress: false }, state: { code: 0 } });
    expect(program.commands.map((x) => x.name())).toEqual(COMMANDS.map((c) => c.name));
  });
});
