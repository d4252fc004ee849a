import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/core/scenario.ts';
import { getWorld } from '../../worlds/index.ts';

const read = (name: string): string => readFileSync(new URL(`../../scenarios/${name}`, import.meta.url), 'utf8');

describe('scenario files', () => {
  it('the shipped scenarios parse against their worlds', () => {
    const moon = parseScenario(read('moon-range.json'), getWorld);
    expect(moon.world.id).toBe('projectile');
    expect(moon.params.gravity).toBe(1.62);
    expect(moon.params.friction).toBe(0.8); // defaults fill the rest
    expect(moon.tasks).toHaveLength(3);
    expect(parseScenario(read('rolling-ball.json'), getWorld).params.body).toBe('ball');
  });

  const bad: Array<[string, RegExp]> = [
    ['{', /scenario: .*valid JSON/],
    ['{"name":"x","world":"nope"}', /scenario\.world: "nope" .*projectile/],
    ['{"name":"x","world":"projectile","params":{"gravity":99}}', /scenario\.params\.gravity: 99 .*≤ 30/],
    ['{"name":"x","world":"projectile","params":{"__proto__":{"gravity":1}}}', /scenario: "__proto__" .*keys other than __proto__/],
    ['{"name":"x","world":"projectile","params":{"wind":3}}', /scenario\.params\.wind/],
    ['{"name":"x","world":"projectile","tasks":[{"split":"train","targetX":"far"}]}', /scenario\.tasks\[0\]\.targetX/],
    ['{"name":"x","world":"projectile","tasks":[{"split":"train","targetX":4,"overrides":{"gravity":-1}}]}', /scenario\.tasks\[0\]\.overrides/],
    ['{"name":"x","world":"projectile","extra":1}', /scenario\.extra/],
    ['{"world":"projectile"}', /scenario\.name/],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${text.slice(0, 60)} with the path inside the file`, () => {
      expect(() => parseScenario(text, getWorld)).toThrow(message);
    });
  }
});
