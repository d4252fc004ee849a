// The app's metric editor follows the rule of the CLI and scenario files: a metric's direction,
// unless chosen, is the one its measurements declare (`better`); when they declare none or
// disagree, the editor refuses the metric and asks for a direction. (The case: the page's
// direction defaulted to `lower`, so typing `timeInZone` trained learners to leave the zone.)
import { describe, expect, it } from 'vitest';
import { validateEvolveConfig } from '../../src/experiments/evolve.ts';
import { runConfig, trainConfig } from '../../src/lessons/run-config.ts';
import { APP_WORLDS, appWorld, autoDirection, defaults, directionOf, evolveConfig, metricDirection, metricProblem, parseQuery, toQuery } from '../../src/ui/settings.ts';

const projectile = appWorld('projectile');

describe('the app: directions from declarations', () => {
  it('every world starts with direction auto (a typed metric is not bound to the default metric’s direction)', () => {
    for (const w of APP_WORLDS) expect(defaults(w.id).direction, w.id).toBe('auto');
  });

  it('auto takes the declared direction: timeInZone is higher, restError lower; a chosen direction wins', () => {
    expect(metricDirection(projectile, 'timeInZone', 'auto')).toBe('higher');
    expect(metricDirection(projectile, 'restError + 0.5 * landingError', 'auto')).toBe('lower');
    expect(metricDirection(projectile, '-timeInZone', 'auto')).toBe('lower'); // enters with a minus
    expect(metricDirection(projectile, 'timeInZone', 'lower')).toBe('lower');
    expect(autoDirection(projectile, 'timeInZone')?.reason).toBe('higher is better, as timeInZone (better: higher) declares');
    expect(metricProblem(projectile, 'timeInZone', 'auto', 0.2)).toBeNull();
  });

  it('a metric whose measurements disagree or declare nothing is refused under auto, asking for a direction', () => {
    const mixed = metricProblem(projectile, 'timeInZone + restError', 'auto', 0.2);
    expect(mixed?.code).toBe('direction-required');
    expect(mixed?.message).toBe(
      'choose the direction lower or higher: this metric has no default direction (the measurements disagree: timeInZone (better: higher) says higher, restError (better: lower) says lower)',
    );
    expect(metricProblem(projectile, 'maxHeight', 'auto', 1)?.message).toBe('choose the direction lower or higher: this metric has no default direction (maxHeight declares no better direction)');
    // Chosen explicitly, the same metrics are fine.
    expect(metricProblem(projectile, 'timeInZone + restError', 'higher', 0.2)).toBeNull();
    // A text that does not parse reports the parse error, with its position, whatever the direction.
    const bad = metricProblem(projectile, 'timeInZone +', 'auto', 0.2);
    expect(bad?.code).not.toBe('direction-required');
    expect(bad?.position).not.toBeNull();
    expect(autoDirection(projectile, 'timeInZone +')).toBeNull();
  });

  it('the run configs carry the resolved direction: evolve and train learn toward more time in the zone', () => {
    const { settings, ignored } = parseQuery('?metric=timeInZone&threshold=0.2');
    expect(ignored).toEqual([]);
    expect(settings.direction).toBe('auto');
    expect(toQuery(settings)).toBe('metric=timeInZone&threshold=0.2'); // auto is the default: not in the link
    const evolve = evolveConfig(settings);
    expect(evolve.metric).toEqual({ expression: 'timeInZone', direction: 'higher', threshold: 0.2 });
    expect(validateEvolveConfig(evolve).metric).toEqual({ expression: 'timeInZone', direction: 'higher', threshold: 0.2 });
    expect(trainConfig(settings)).toMatchObject({ metric: 'timeInZone', direction: 'higher', threshold: 0.2 });
    expect(runConfig(settings, { experiment: 'train', config: {} } as never)).toMatchObject({ direction: 'higher' });
    // A chosen direction is passed on as chosen.
    expect(evolveConfig({ ...settings, direction: 'lower' }).metric).toEqual({ expression: 'timeInZone', direction: 'lower', threshold: 0.2 });
  });

  it('a link with a metric that has no direction under auto falls back to the world default and says why', () => {
    const { settings, ignored } = parseQuery('?metric=timeInZone+%2B+restError');
    expect(ignored).toEqual([expect.stringMatching(/^metric=timeInZone \+ restError: choose the direction lower or higher: .*the measurements disagree/)]);
    expect(settings.metric).toBe(defaults().metric);
    // Without a resolvable direction the config names none, so the run's own parse refuses it (exit 2 on the CLI).
    expect(directionOf({ ...settings, metric: 'timeInZone + restError', direction: 'auto' })).toEqual({});
    expect(() => validateEvolveConfig(evolveConfig({ ...settings, metric: 'timeInZone + restError', direction: 'auto' }))).toThrow(/metric\.direction.*pass --direction/);
  });
});
