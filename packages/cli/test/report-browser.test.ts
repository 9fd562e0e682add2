// A real run, end to end: `quantproof run` with tiny budgets writes maps.json and report.html; the
// report opens offline in Debian's Chromium with every section and chart, its tables equal to
// metrics.json and verify.json, a clean console and no network request. And `quantproof report`.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatEstimate,
  formatMicroseconds,
  formatPercent,
  formatShareBracket,
  LEAF_STATUSES,
  mapsJsonSchema,
  parseRunFile,
  verifyJsonSchema,
} from '@quantproof/web-report';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/index.js';
import { quantproof } from './support/run-quantproof.js';
import { launchChromium, servePage } from '@quantproof/test-support';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-report-'));
const runDir = join(dir, 'run');
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const REPORT_URL = 'http://report.test/report.html';
let browser: Browser;

const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(runDir, file), 'utf8')) as T;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  const { code, err } = await quantproof([
    'run',
    '--seed',
    '2',
    '--episodes',
    '3',
    '--verify-seconds',
    '1',
    '--out',
    runDir,
  ]);
  expect(code, err).toBe(EXIT_CODES.ok);
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Metrics {
  variants: {
    name: string;
    onnxBytes: number;
    latencyBatch1: { p50: number; p95: number };
    latencyBatch256: { p50: number; p95: number };
    agreementVisited: number;
    agreementBox: number;
  }[];
}

describe('quantproof run → report.html in Chromium', () => {
  it('writes a maps.json that matches its schema', () => {
    const maps = parseRunFile('maps.json', mapsJsonSchema, readJson('maps.json'));
    expect(maps.slices.map((s) => s.id)).toEqual(['theta-theta_dot', 'x-x_dot', 'x_dot-theta_dot']);
    expect(Object.keys(maps.slices[0]!.positions[0]!.int8)).toEqual([
      'ptq-dynamic',
      'ptq-static-qdq',
      'ptq-static-qoperator',
      'qat',
      'mixed',
      'certified',
    ]);
  });

  it('opens offline and shows every section, chart and value', async () => {
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const watch = await servePage(page, REPORT_URL, html);
    await page.goto(REPORT_URL);
    for (const id of [
      'summary',
      'verification',
      'certified',
      'training',
      'decision-maps',
      'quantisation',
      'counterexamples',
      'facts',
    ]) {
      await expect.poll(() => page.locator(`section#${id}`).isVisible()).toBe(true);
    }
    const charts = await page.locator('svg[data-chart]').evaluateAll((svgs) =>
      svgs.map((s) => ({
        chart: s.getAttribute('data-chart'),
        width: s.getBoundingClientRect().width,
        marks: s.querySelectorAll('path, rect, circle').length,
      })),
    );
    // 1 volume + 1 precision front + 2 training + 18 maps (3 slices × 6 variants) + 1 SQNR + 17
    // histograms (6 × 3 layers, less the certified variant's first layer, kept in float32).
    expect(charts).toHaveLength(40);
    for (const c of charts) {
      expect(c.width, c.chart ?? '').toBeGreaterThan(100);
      expect(c.marks, c.chart ?? '').toBeGreaterThan(3);
    }

    const metrics = readJson<Metrics>('metrics.json');
    const verify = parseRunFile('verify.json', verifyJsonSchema, readJson('verify.json'));
    for (const m of metrics.variants) {
      // The verification (summary) and the measurements tables: one row per variant in each.
      const row = page.locator(`table[data-table] tr[data-variant="${m.name}"]`);
      const cell = (field: string) => row.locator(`[data-field="${field}"]`);
      const expectCell = async (field: string, value: number, text: string): Promise<void> => {
        expect(Number(await cell(field).getAttribute('data-value')), `${m.name} ${field}`).toBe(
          value,
        );
        expect(await cell(field).innerText(), `${m.name} ${field}`).toBe(text);
      };
      await expectCell('onnxBytes', m.onnxBytes, String(m.onnxBytes));
      await expectCell(
        'latencyBatch1.p50',
        m.latencyBatch1.p50,
        formatMicroseconds(m.latencyBatch1.p50),
      );
      await expectCell(
        'latencyBatch256.p95',
        m.latencyBatch256.p95,
        formatMicroseconds(m.latencyBatch256.p95),
      );
      await expectCell('agreementVisited', m.agreementVisited, formatPercent(m.agreementVisited));
      await expectCell('agreementBox', m.agreementBox, formatPercent(m.agreementBox));
      const v = verify.variants.find((x) => x.variant === m.name);
      if (v === undefined) continue;
      expect(await cell('verdict').getAttribute('data-value')).toBe(v.verdict);
      const { lower, upper } = v.disagreement;
      expect(JSON.parse((await cell('disagreement').getAttribute('data-value'))!)).toEqual({
        lower,
        upper,
      });
      expect(await cell('disagreement').innerText()).toBe(formatShareBracket(v.disagreement));
      expect(await cell('disagreement.estimate').innerText()).toBe(
        formatEstimate(v.disagreement.estimate),
      );
      for (const status of LEAF_STATUSES) {
        await expectCell(`volume.${status}`, v.volume[status], formatPercent(v.volume[status]));
      }
    }
    // The certified variant: its theorem in one sentence and one row per repair round.
    const certified = verify.variants.find((x) => x.variant === 'certified')!;
    expect(
      await page.locator('article[data-certified="certified"] p.theorem').innerText(),
    ).toContain(certified.flipMarginTheorem!);
    expect(await page.locator('table[data-table="repair-rounds"] tbody tr').count()).toBe(
      certified.repair!.rounds.length,
    );
    // The verification section leads with each variant's answer: verdict, then the bracket.
    for (const v of verify.variants) {
      const line = page.locator(`ul.verdict-lines li[data-variant="${v.variant}"]`);
      expect(await line.innerText()).toMatch(
        new RegExp(`^${v.verdict} ${v.variant}: int8 (≠|=) FP32 on `),
      );
    }

    expect(watch.errors).toEqual([]);
    expect(watch.blocked).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'run-report-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(artifacts, 'run-report-narrow.png'), fullPage: true });
    await page.close();
  });
});

describe('quantproof report', () => {
  it('writes the report where --out says', async () => {
    const out = join(dir, 'elsewhere', 'r.html');
    const { code, out: printed } = await quantproof(['report', '--run', runDir, '--out', out]);
    expect(code).toBe(EXIT_CODES.ok);
    expect(printed).toBe(`report: ${out}\n`);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('computes maps.json from the models when a run directory lacks it', async () => {
    const old = join(dir, 'old-run');
    mkdirSync(join(old, 'models'), { recursive: true });
    for (const f of ['run.json', 'metrics.json', 'verify.json'])
      copyFileSync(join(runDir, f), join(old, f));
    for (const v of readJson<Metrics>('metrics.json').variants) {
      copyFileSync(join(runDir, 'models', `${v.name}.onnx`), join(old, 'models', `${v.name}.onnx`));
    }
    const { code, err } = await quantproof(['report', '--run', old]);
    expect(code, err).toBe(EXIT_CODES.ok);
    expect(JSON.parse(readFileSync(join(old, 'maps.json'), 'utf8'))).toEqual(readJson('maps.json'));
  });

  it('says in one line which file of which directory is wrong', async () => {
    const missing = await quantproof(['report', '--run', join(dir, 'nothing')]);
    expect(missing.code).toBe(EXIT_CODES.input);
    expect(missing.err).toBe(
      `quantproof: ${join(dir, 'nothing', 'run.json')} does not exist: --run must be a run directory written by quantproof run\n`,
    );
    const bad = join(dir, 'bad-run');
    mkdirSync(bad);
    for (const f of ['run.json', 'verify.json', 'maps.json'])
      copyFileSync(join(runDir, f), join(bad, f));
    const metrics = readJson<Record<string, unknown>>('metrics.json');
    writeFileSync(join(bad, 'metrics.json'), JSON.stringify({ ...metrics, schemaVersion: 3 }));
    const invalid = await quantproof(['report', '--run', bad]);
    expect(invalid.code).toBe(EXIT_CODES.input);
    expect(invalid.err).toBe(
      `quantproof: ${join(bad, 'metrics.json')}: $.schemaVersion: schemaVersion 3 is not supported: this report reads schema version 2 (re-run the study with this quantproof version)\n`,
    );
    // A run directory an older quantproof wrote (schema version 1): re-run, not convert.
    const run = readJson<Record<string, unknown>>('run.json');
    writeFileSync(join(bad, 'metrics.json'), JSON.stringify(metrics));
    writeFileSync(join(bad, 'run.json'), JSON.stringify({ ...run, schemaVersion: 1 }));
    const older = await quantproof(['report', '--run', bad]);
    expect(older.code).toBe(EXIT_CODES.input);
    expect(older.err).toBe(
      `quantproof: ${join(bad, 'run.json')}: $.schemaVersion: schemaVersion 1 is not supported: this report reads schema version 2 (an older quantproof wrote it, and its verification (consistent / inconsistent / unknown leaves) cannot be converted to agree / disagree / mixed / open leaves; re-run the study with this quantproof version)\n`,
    );
    writeFileSync(join(bad, 'run.json'), JSON.stringify(run));
    writeFileSync(join(bad, 'metrics.json'), '{');
    expect((await quantproof(['report', '--run', bad])).err).toMatch(/metrics\.json is not JSON: /);
  });

  it('has help with an example, and requires --run', async () => {
    const help = await quantproof(['report', '--help']);
    expect(help.code).toBe(EXIT_CODES.ok);
    expect(help.out).toContain('$ quantproof report --run runs/');
    expect((await quantproof(['report'])).code).toBe(EXIT_CODES.usage);
  });
});
