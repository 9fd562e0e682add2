import { afterEach, describe, expect, it } from 'vitest';
import { startProgress, type ProgressTarget } from './progress.js';

/** A terminal-like sink that keeps what is written to it. */
function terminal(isTTY: boolean): { target: ProgressTarget; text: () => string } {
  let text = '';
  const stream = {
    isTTY,
    columns: 200,
    write: (chunk: string): boolean => {
      text += chunk;
      return true;
    },
  };
  return { target: { stream, plain: false }, text: () => text };
}

const noColor = process.env['NO_COLOR'];
afterEach(() => {
  if (noColor === undefined) delete process.env['NO_COLOR'];
  else process.env['NO_COLOR'] = noColor;
});

describe('startProgress', () => {
  it('fills every field of the bar on a terminal, names with a slash included', () => {
    delete process.env['NO_COLOR'];
    const { target, text } = terminal(true);
    const progress = startProgress(target, 'train ppo', 100, ['return', 'steps/s']);
    progress.update(100, { return: '20.5', 'steps/s': '1234' });
    progress.stop();
    expect(text()).toMatch(/train ppo \[█+\] 100% \| return 20\.5 \| steps\/s 1234 \| ETA/);
    expect(text()).not.toMatch(/\{[\w/]+\}/);
  });

  it('draws the bar without colour characters when NO_COLOR is set, and in colour when it is empty', () => {
    process.env['NO_COLOR'] = '1';
    const plain = terminal(true);
    startProgress(plain.target, 'train ppo', 10, ['return']).stop();
    expect(plain.text()).toMatch(/train ppo \[-+\] 0% \| return {2}\| ETA/);
    process.env['NO_COLOR'] = '';
    const coloured = terminal(true);
    startProgress(coloured.target, 'train ppo', 10, ['return']).stop();
    expect(coloured.text()).toMatch(/train ppo \[░+\] 0%/);
  });

  it('writes plain lines and no escape sequence when the stream is not a terminal', () => {
    const { target, text } = terminal(false);
    const progress = startProgress(target, 'train ppo', 100, ['return', 'steps/s'], 0);
    progress.update(50, { return: '20.5', 'steps/s': '1234' });
    progress.stop();
    expect(text()).toBe('train ppo: 50/100, return 20.5, steps/s 1234\n');
  });

  it('draws a bar full when the work completes before its total (training that stops early)', () => {
    delete process.env['NO_COLOR'];
    const { target, text } = terminal(true);
    const progress = startProgress(target, 'train ppo', 100, ['return']);
    progress.update(40, { return: '499.0' });
    progress.stop({ return: '500.0 (stopped early at 40 steps)' });
    const last = text().split('\r').at(-1)!;
    expect(last).toMatch(
      /train ppo \[█+\] 100% \| return 500\.0 \(stopped early at 40 steps\) \| ETA 0s/,
    );
  });

  it('ends plain output with a done line when the work completes', () => {
    const { target, text } = terminal(false);
    const progress = startProgress(target, 'train ppo', 100, ['return'], 60_000);
    progress.update(10, { return: '20.5' });
    progress.update(40, { return: '499.0' });
    progress.stop({ return: '500.0' });
    expect(text()).toBe('train ppo: 10/100, return 20.5\ntrain ppo: done, return 500.0\n');
  });
});
