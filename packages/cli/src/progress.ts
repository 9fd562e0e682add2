// Progress on long work: a bar on an interactive terminal, plain lines otherwise.

import { SingleBar } from 'cli-progress';

/** A progress display for one task of known size. */
export interface Progress {
  /** Sets the current value and the fields shown after the bar. */
  update(value: number, fields: Readonly<Record<string, string>>): void;
  /**
   * Ends the display where the work ended; with `fields`, the work is complete (it may have ended
   * before `total`, as training that stops early does): the bar is drawn full with these fields.
   */
  stop(fields?: Readonly<Record<string, string>>): void;
}

/**
 * Where progress goes and whether it may draw a bar. The stream is typed structurally (a
 * process.stderr fits) so that the published types need no @types/node.
 */
export interface ProgressTarget {
  readonly stream: { write(text: string): unknown; isTTY?: boolean };
  /** `--json` or a non-terminal: plain lines, at most one per `plainEveryMs`. */
  readonly plain: boolean;
}

/** Starts a display for `label` with `total` units; `format` names the fields shown. */
export function startProgress(
  target: ProgressTarget,
  label: string,
  total: number,
  fieldNames: readonly string[],
  plainEveryMs = 2000,
): Progress {
  const interactive = !target.plain && target.stream.isTTY === true;
  if (interactive) {
    // NO_COLOR (https://no-color.org): set and not empty turns colour off.
    const color = (process.env['NO_COLOR'] ?? '') === '';
    // cli-progress substitutes only word-character tokens ({steps/s} would print as is): each
    // field gets a token of its own.
    const token = (i: number): string => `field${i}`;
    const fields = fieldNames.map((name, i) => `${name} {${token(i)}}`).join(' | ');
    const payload = (values: Readonly<Record<string, string>>): Record<string, string> =>
      Object.fromEntries(fieldNames.map((name, i) => [token(i), values[name] ?? '']));
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | ${fields} | ETA {eta_formatted}`,
      hideCursor: true,
      stream: target.stream as NodeJS.WriteStream,
      barCompleteChar: color ? '█' : '#',
      barIncompleteChar: color ? '░' : '-',
      etaBuffer: 20,
    });
    bar.start(total, 0, payload({}));
    return {
      update: (value, values) => bar.update(Math.min(value, total), payload(values)),
      stop: (values) => {
        if (values !== undefined) bar.update(total, payload(values));
        bar.stop();
      },
    };
  }
  let last = -Infinity;
  const fieldText = (values: Readonly<Record<string, string>>): string =>
    Object.entries(values)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return {
    update: (value, values) => {
      const now = Date.now();
      if (now - last < plainEveryMs) return;
      last = now;
      const fields = fieldText(values);
      const n = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));
      target.stream.write(`${label}: ${n(value)}/${n(total)}${fields ? `, ${fields}` : ''}\n`);
    },
    stop: (values) => {
      if (values === undefined) return;
      const fields = fieldText(values);
      target.stream.write(`${label}: done${fields ? `, ${fields}` : ''}\n`);
    },
  };
}
