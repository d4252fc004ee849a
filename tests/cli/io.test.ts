// A reader that stops early (`mirage-lab runs | head -1`) must end the CLI quietly with exit 0,
// not with an EPIPE stack trace; any other stdout error still fails loudly.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quietOnClosedPipe } from '../../src/cli/io.ts';

const epipe = (): Error & { code: string } => Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });

describe('quietOnClosedPipe', () => {
  it('EPIPE exits 0; another error is rethrown; one handler per stream', () => {
    const stream = new EventEmitter();
    const codes: number[] = [];
    quietOnClosedPipe(stream, (c) => codes.push(c));
    quietOnClosedPipe(stream, (c) => codes.push(100 + c));
    stream.emit('error', epipe());
    expect(codes).toEqual([0]);
    expect(() => stream.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toThrow('no space');
    expect(codes).toEqual([0]);
  });
});

describe('mirage-lab with its stdout closed by the reader', () => {
  it('`runs` into a pipe whose reader has gone: exit 0, nothing on stderr', async () => {
    const bin = new URL('../../bin/mirage-lab.js', import.meta.url).pathname;
    const dir = mkdtempSync(join(tmpdir(), 'mirage-epipe-'));
    try {
      const child = spawn(process.execPath, [bin, 'runs', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      // Close our end before the CLI writes anything, so its first write fails with EPIPE.
      child.stdout.destroy();
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(err).toBe('');
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
