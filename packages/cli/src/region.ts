// The region `verify` decides, from --box, --box-file, --around/--radius or --region: a box whose
// every dimension holds at least one float32 value, since the models' inputs are float32 and only
// float32 inputs exist.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import {
  type Box,
  boxFromOperatingBox,
  createBox,
  float32Down,
  float32Up,
  IntervalError,
} from '@quantproof/interval';
import { type Command, Option } from 'commander';
import { InputError, UsageError } from './errors.js';
import { readInputFile } from './files.js';

/** The flags that name a region. */
export interface RegionFlags {
  readonly box?: string;
  readonly boxFile?: string;
  /** A state `x1,x2,…`: the region is the box around it of half-widths `radius`. */
  readonly around?: string;
  /** One half-width for every input, or one per input (`r1,r2,…`); with `around` only. */
  readonly radius?: string;
  readonly region?: 'operating';
}

/** The largest float32 value, 3.4028234663852886e38. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A decimal number as a person writes one: `-0.5`, `2`, `.25`, `1e-3` (no hex, binary or octal). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses `v1,v2,…` (decimal numbers) for `flag`; a malformed value is a usage error naming it. */
function parseNumberList(text: string, flag: string, what: string): number[] {
  return text.split(',').map((part, i) => {
    const v = part.trim();
    if (!DECIMAL.test(v)) {
      throw new UsageError(
        `${flag} value ${i} is "${part}", not a decimal number; write ${what} as numbers separated by commas, such as 0.05,-0.3,0.02,0.4`,
      );
    }
    return Number(v);
  });
}

/**
 * The box `state ± radius` of `--around`/`--radius`: one half-width for every input or one per
 * input, each finite and ≥ 0. Usage errors name the flag.
 */
export function boxAround(
  around: string,
  radius: string | undefined,
  inputs: number,
): { lower: number[]; upper: number[] } {
  if (radius === undefined) {
    throw new UsageError(
      '--around needs --radius: the half-width of the box around the state, one for every input (e.g. --radius 0.01) or one per input',
    );
  }
  const state = parseNumberList(around, '--around', 'the state');
  if (state.length !== inputs) {
    throw new UsageError(
      `--around has ${state.length} value${state.length === 1 ? '' : 's'}; the models take ${inputs} inputs, so give ${inputs}`,
    );
  }
  const radii = parseNumberList(radius, '--radius', 'the half-widths');
  if (radii.length !== 1 && radii.length !== inputs) {
    throw new UsageError(
      `--radius has ${radii.length} values; give one half-width for every input or one per input (${inputs})`,
    );
  }
  const half = (i: number): number => radii[radii.length === 1 ? 0 : i]!;
  for (let i = 0; i < inputs; i++) {
    if (!Number.isFinite(half(i)) || half(i) < 0) {
      throw new UsageError(`--radius ${half(i)} for input ${i}: give a finite half-width ≥ 0`);
    }
  }
  return {
    lower: state.map((v, i) => v - half(i)),
    upper: state.map((v, i) => v + half(i)),
  };
}

/** Parses `lo,hi;lo,hi;…` into bounds; any malformed part is a usage error naming it. */
export function parseBoxFlag(text: string): { lower: number[]; upper: number[] } {
  const lower: number[] = [];
  const upper: number[] = [];
  text.split(';').forEach((part, i) => {
    const bounds = part.split(',').map((v) => v.trim());
    const [lo, hi] = bounds.map(Number);
    if (
      bounds.length !== 2 ||
      bounds.some((v) => v === '') ||
      lo === undefined ||
      hi === undefined
    ) {
      throw new UsageError(
        `--box dimension ${i} is "${part}"; write each dimension as lo,hi and separate them with ;`,
      );
    }
    // Decimal numbers only: Number() would also read 0x10 as 16, 0b1 as 1 and "" as 0.
    const text = bounds.find(
      (v) => !DECIMAL.test(v) && !['NaN', 'Infinity', '-Infinity', '+Infinity'].includes(v),
    );
    if (text !== undefined) {
      throw new UsageError(
        `--box dimension ${i}: "${text}" is not a decimal number; write each dimension as lo,hi with numbers such as -0.5,0.5 or 1e-3,2.5`,
      );
    }
    lower.push(lo);
    upper.push(hi);
  });
  return { lower, upper };
}

/**
 * What is wrong with a box for float32 models, in words, or null: a bound that is not a number,
 * infinite, beyond the float32 range (it would be ±Infinity as a float32 input), lower > upper, or
 * a dimension that holds no float32 value (such as [0.1, 0.1]: 0.1 is not a float32 value).
 */
export function float32BoxProblem(
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): string | null {
  for (let i = 0; i < lower.length; i++) {
    const lo = lower[i]!;
    const hi = upper[i]!;
    for (const v of [lo, hi]) {
      if (Number.isNaN(v)) return `dimension ${i} has a NaN bound; bounds must be numbers`;
      if (!Number.isFinite(v)) {
        return `dimension ${i} is unbounded (${v}); bounds must be finite float32 values`;
      }
      if (!Number.isFinite(Math.fround(v))) {
        return `dimension ${i} has the bound ${v}, beyond the float32 range; bounds must be finite float32 values (|bound| ≤ ${FLOAT32_MAX}), since the models' inputs are float32`;
      }
    }
    if (lo > hi) return `dimension ${i} has lower ${lo} > upper ${hi}; swap them`;
    const first = float32Up(lo);
    const last = float32Down(hi);
    if (first > last) {
      const which = lo === hi ? `${lo} is not a float32 value` : `no float32 value lies between`;
      return `dimension ${i} is [${lo}, ${hi}], which holds no float32 value (${which}; the nearest are ${last} and ${first}); widen it or give float32 values, e.g. ${Math.fround(lo)} (Math.fround(${lo}))`;
    }
  }
  return null;
}

/**
 * The region the flags name (default: the CartPole operating box) for a model of `inputs` inputs.
 * A bad --box is a usage error (exit 2); every problem of a --box-file's content, like its JSON,
 * is an invalid input file (exit 3). Messages name the flag and the dimension, never internals.
 */
export async function regionOf(flags: RegionFlags, inputs: number): Promise<Box> {
  const given = regionFlagsGiven(flags);
  if (given > 1) throw new UsageError('give one of --box, --box-file, --around and --region');
  if (flags.radius !== undefined && flags.around === undefined) {
    throw new UsageError('--radius goes with --around (the state the box is centred on)');
  }
  if (flags.around !== undefined) {
    const bounds = boxAround(flags.around, flags.radius, inputs);
    const problem = float32BoxProblem(bounds.lower, bounds.upper);
    if (problem !== null) throw new UsageError(`--around/--radius: ${problem}`);
    return createBox(bounds.lower, bounds.upper);
  }
  if (given === 0 || flags.region === 'operating') {
    if (inputs !== CARTPOLE_OPERATING_BOX.lower.length) {
      throw new UsageError(
        `the models take ${inputs} inputs but the operating box is CartPole's (${CARTPOLE_OPERATING_BOX.lower.length} inputs); give the region with --box or --box-file`,
      );
    }
    return boxFromOperatingBox(CARTPOLE_OPERATING_BOX);
  }
  const fromFile = flags.box === undefined;
  const fail = (message: string): never => {
    throw fromFile
      ? new InputError(`--box-file ${flags.boxFile!}: ${message}`)
      : new UsageError(`--box ${message}`);
  };
  const bounds = fromFile ? await readBoxFile(flags.boxFile!) : parseBoxFlag(flags.box!);
  if (bounds.lower.length !== bounds.upper.length) {
    fail(
      `"lower" has ${bounds.lower.length} bounds but "upper" has ${bounds.upper.length}; give one lower and one upper bound per input`,
    );
  }
  if (bounds.lower.length !== inputs) {
    fail(
      `the region has ${bounds.lower.length} dimension${bounds.lower.length === 1 ? '' : 's'}; the models take ${inputs} inputs, so give ${inputs}`,
    );
  }
  const problem = float32BoxProblem(bounds.lower, bounds.upper);
  if (problem !== null) fail(problem);
  try {
    return createBox(bounds.lower, bounds.upper);
  } catch (error) {
    // float32BoxProblem has checked what createBox checks; this names the flag, not the function.
    if (error instanceof IntervalError) fail(error.message.replace(/^\w+: /, ''));
    throw error;
  }
}

async function readBoxFile(path: string): Promise<{ lower: number[]; upper: number[] }> {
  let parsed: unknown;
  const text = await readInputFile(path, '--box-file');
  try {
    parsed = JSON.parse(new TextDecoder().decode(text));
  } catch (error) {
    throw new InputError(
      `--box-file ${path} is not JSON (${(error as Error).message}); write {"lower": [...], "upper": [...]}`,
    );
  }
  const p = parsed as { lower?: unknown; upper?: unknown } | null;
  if (p === null || typeof p !== 'object' || !Array.isArray(p.lower) || !Array.isArray(p.upper)) {
    throw new InputError(`--box-file ${path} must hold {"lower": [...], "upper": [...]}`);
  }
  for (const side of ['lower', 'upper'] as const) {
    (p[side] as unknown[]).forEach((v, i) => {
      if (typeof v !== 'number') {
        throw new InputError(
          `--box-file ${path}: ${side}[${i}] is ${JSON.stringify(v)}; write every bound as a finite number`,
        );
      }
    });
  }
  return { lower: p.lower as number[], upper: p.upper as number[] };
}

/** A box as `[lo, hi] × …` with 4 significant digits. */
export function boxText(box: {
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
}): string {
  return Array.from(
    box.lower,
    (l, i) => `[${l.toPrecision(4)}, ${box.upper[i]!.toPrecision(4)}]`,
  ).join(' × ');
}

/** How many of the flags that name a region are given (one at most is valid). */
function regionFlagsGiven(flags: RegionFlags): number {
  return [flags.box, flags.boxFile, flags.around, flags.region].filter((v) => v !== undefined)
    .length;
}

/** Whether the flags name a region (else it is the default, the operating box). */
export function regionNamed(flags: RegionFlags): boolean {
  return regionFlagsGiven(flags) > 0;
}

/** How an answer names the region `regionOf(flags)` gave: "the operating box", or "the region [lo, hi] × …". */
export function regionName(
  flags: RegionFlags,
  box: { readonly lower: ArrayLike<number>; readonly upper: ArrayLike<number> },
): string {
  return regionNamed(flags) ? `the region ${boxText(box)}` : 'the operating box';
}

/** `--box`, `--box-file` and `--region`: the region flags every verifying command reads (`regionOf`). */
export function addRegionFlags(command: Command): Command {
  return command
    .option('--box <bounds>', 'the region, as lo,hi;lo,hi;… (one pair per input)')
    .option('--box-file <file>', 'the region as JSON {"lower": [...], "upper": [...]}')
    .option(
      '--around <state>',
      'the region is a small box around this state, x1,x2,… (with --radius): does int8 keep FP32’s decision near it?',
    )
    .option(
      '--radius <r>',
      'with --around: the box’s half-width, one for every input (0.01) or one per input (0.01,0.02,…)',
    )
    .addOption(
      new Option(
        '--region <name>',
        'a named region (default: operating, the CartPole operating box)',
      ).choices(['operating']),
    );
}
