// Scenario files follow the same direction rule as the CLI (issue 15): a metric without a
// direction takes the one its measurements declare, and none is an input error naming the field.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/runtime.ts';
import { parseScenario } from '../../src/core/scenario.ts';
import { getWorld } from '../../worlds/index.ts';

const scenario = (metric: unknown): string => JSON.stringify({ name: 's', world: 'projectile', metric });

describe('a scenario metric', () => {
  it('takes its direction from the declarations, or the one given', () => {
    expect(parseScenario(scenario({ expression: 'timeInZone', threshold: 0.2 }), getWorld).metric?.direction).toBe('higher');
    expect(parseScenario(scenario({ expression: 'restError - timeInZone', threshold: 0.2 }), getWorld).metric?.direction).toBe('lower');
    expect(parseScenario(scenario({ expression: 'maxHeight', direction: 'higher', threshold: 1 }), getWorld).metric?.direction).toBe('higher');
    expect(parseScenario(JSON.stringify({ name: 's', world: 'projectile' }), getWorld).metric).toBeUndefined();
  });

  it('without one, is refused naming scenario.metric.direction', () => {
    for (const expression of ['timeInZone + restError', 'maxHeight']) {
      try {
        parseScenario(scenario({ expression, threshold: 1 }), getWorld);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).field).toBe('scenario.metric.direction');
        expect((err as InputError).message).toMatch(/pass --direction.*no default direction/);
      }
    }
    expect(() => parseScenario(scenario({ expression: 'landingEror', threshold: 1 }), getWorld)).toThrow(/scenario\.metric\.expression.*did you mean 'landingError'/);
  });
});
