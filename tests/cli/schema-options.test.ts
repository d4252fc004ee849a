import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { schemaOption } from '../../src/cli/schema-options.ts';

const schema = z.strictObject({
  episodes: z.number().int().min(1).max(500).default(40).describe('Training episodes.'),
  rate: z.number().min(0).max(1).optional().describe('Learning rate.'),
  channel: z.enum(['binary', 'graded']).default('graded').describe('Feedback channel.'),
  shift: z.number().optional().describe('GT shift.'),
});

describe('options generated from a zod schema', () => {
  it('takes flag, help, default, range and choices from the field', () => {
    const episodes = schemaOption(schema, 'episodes', { arg: 'n' });
    expect(episodes.option.flags).toBe('--episodes <n>');
    expect(episodes.option.description).toBe('training episodes [1, 500]');
    expect(episodes.option.defaultValue).toBe('40');
    const channel = schemaOption(schema, 'channel');
    expect(channel.option.description).toBe('feedback channel (one of binary | graded)');
    expect(channel.option.defaultValue).toBe('graded');
    // A registry's list replaces the schema's enum; acronyms keep their case.
    expect(schemaOption(schema, 'channel', { choices: ['a', 'b'] }).option.description).toBe('feedback channel (one of a | b)');
    expect(schemaOption(schema, 'shift').option.description).toBe('GT shift');
    expect(schemaOption(schema, 'rate').option.defaultValue).toBeUndefined();
  });

  it('parses through the same type and range, naming the flag on bad input', () => {
    const episodes = schemaOption(schema, 'episodes');
    expect(episodes.parse('12')).toBe(12);
    expect(() => episodes.parse('0')).toThrow(/--episodes: "0" .*whole number from 1 to 500/);
    expect(() => episodes.parse('2.5')).toThrow(/--episodes/);
    const rate = schemaOption(schema, 'rate', { flag: '--lr' });
    expect(rate.parse('0.25')).toBe(0.25);
    expect(() => rate.parse('2')).toThrow(/--lr: "2" .*number from 0 to 1/);
    expect(() => schemaOption(schema, 'channel').parse('hot')).toThrow(/--channel: "hot" .*one of binary, graded/);
    expect(schemaOption(schema, 'shift').parse('-3.5')).toBe(-3.5);
    expect(() => schemaOption(schema, 'shift').parse('abc')).toThrow(/--shift: "abc"/);
  });
});
