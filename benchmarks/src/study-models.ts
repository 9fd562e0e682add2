// The study's models as the benchmarks use them: `quantproof run --seed 0 --verify-seconds 1
// --episodes 5` run once as a process (about 2 minutes; a given run directory is reused instead)
// and its models/*.onnx read back with readModelOnnx — the FP32 policy and the five int8 variants.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mlp } from '@quantproof/nn';
import { readModelOnnx } from '@quantproof/onnx';
import type { QMlp } from '@quantproof/quant';

/** The study's int8 variants, in its order. */
export const VARIANTS = [
  'ptq-dynamic',
  'ptq-static-qdq',
  'ptq-static-qoperator',
  'qat',
  'mixed',
] as const;

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

export const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

export function run(command: string, args: readonly string[], cwd: string): boolean {
  log(`$ ${command} ${args.join(' ')}   (in ${cwd})`);
  const r = spawnSync(command, args, { cwd, stdio: ['ignore', 2, 2] });
  return r.status === 0;
}

export function mustRun(command: string, args: readonly string[], cwd: string): void {
  if (!run(command, args, cwd)) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`);
}

/** The study's models: runs `quantproof run` into a fresh temp dir unless `dir` is given. */
export function studyRun(dir: string | undefined): { dir: string; temporary: boolean } {
  if (dir !== undefined) return { dir, temporary: false };
  const out = mkdtempSync(join(tmpdir(), 'qp-bench-region-run-'));
  mustRun(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@quantproof/cli', '--output-logs=errors-only'],
    ROOT,
  );
  const args = ['packages/cli/dist/bin.js', 'run', '--seed', '0', '--out', out];
  mustRun('node', [...args, '--verify-seconds', '1', '--episodes', '5'], ROOT);
  return { dir: out, temporary: true };
}

export function readModels(
  dir: string,
  names: readonly string[] = VARIANTS,
): { fp32: Mlp; variants: { name: string; model: QMlp }[] } {
  const read = (name: string): ReturnType<typeof readModelOnnx> =>
    readModelOnnx(readFileSync(join(dir, 'models', `${name}.onnx`)));
  const fp32 = read('fp32');
  if (fp32.kind !== 'fp32') throw new Error(`${dir}/models/fp32.onnx holds an int8 model`);
  const variants = names.map((name) => {
    const r = read(name);
    if (r.kind !== 'int8') throw new Error(`${dir}/models/${name}.onnx holds an FP32 model`);
    return { name, model: r.model };
  });
  return { fp32: fp32.mlp, variants };
}
