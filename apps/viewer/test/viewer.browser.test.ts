// The built viewer in Debian's Chromium, served as static files: open a committed run through the
// file picker, check the table against its metrics.json, hover a leaf, move the slice, add a
// second run side by side; no console error and no request leaves the page's origin.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { formatShareBracket } from '@quantproof/web-report';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type PageWatch, watchPage } from '@quantproof/test-support';
import { serveStatic } from './support/static-server.js';

const app = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const FILES = ['run.json', 'metrics.json', 'verify.json', 'maps.json'];
const runFiles = (name: string): string[] => FILES.map((f) => join(fixtures, name, f));
const read = <T>(name: string, file: string): T =>
  JSON.parse(readFileSync(join(fixtures, name, file), 'utf8')) as T;

interface Metrics {
  variants: {
    name: string;
    onnxBytes: number;
    latencyBatch1: { p50: number };
    agreementVisited: number;
    agreementBox: number;
  }[];
}
interface Verify {
  variants: {
    variant: string;
    volume: { agree: number; disagree: number; mixed: number; open: number };
    disagreement: { lower: number; upper: number };
    leaves: {
      lower: number[];
      upper: number[];
      status: string;
      by: string;
      counterexample: number | null;
      share: { lower: number; upper: number };
    }[];
    counterexamples: { input: number[] }[];
  }[];
}

let outDir: string;
let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  outDir = mkdtempSync(join(tmpdir(), 'quantproof-viewer-'));
  await build({
    root: app,
    configFile: join(app, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir },
  });
  ({ server, origin } = await serveStatic(outDir));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(outDir, { recursive: true, force: true });
});

async function openViewer(width: number): Promise<{ page: Page; watch: PageWatch }> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const watch = await watchPage(page, origin);
  await page.goto(`${origin}/index.html`);
  return { page, watch };
}

describe('the viewer', () => {
  it('opens a run, shows its views, follows the pointer and the slice, and compares two runs', async () => {
    const { page, watch } = await openViewer(1600);
    await page.setInputFiles('#open-files', runFiles('run-seed0'));
    const first = page.locator('[data-run="0"]');
    await first.locator('table[data-table="summary"]').waitFor();

    // The table says what metrics.json and verify.json say.
    const metrics = read<Metrics>('run-seed0', 'metrics.json');
    const verify = read<Verify>('run-seed0', 'verify.json');
    for (const m of metrics.variants) {
      // The verification (summary) and the measurements tables: one row per variant in each.
      const row = first.locator(`table[data-table] tr[data-variant="${m.name}"]`);
      const value = async (field: string): Promise<number> =>
        Number(await row.locator(`[data-field="${field}"]`).getAttribute('data-value'));
      expect(await value('onnxBytes')).toBe(m.onnxBytes);
      expect(await value('latencyBatch1.p50')).toBe(m.latencyBatch1.p50);
      expect(await value('agreementVisited')).toBe(m.agreementVisited);
      expect(await row.locator('[data-field="agreementBox"]').innerText()).toBe(
        `${(100 * m.agreementBox).toFixed(2)}%`,
      );
      const v = verify.variants.find((x) => x.variant === m.name);
      if (v === undefined) continue;
      for (const status of ['agree', 'disagree', 'mixed', 'open'] as const) {
        expect(await value(`volume.${status}`)).toBe(v.volume[status]);
      }
      const bracket = await row.locator('[data-field="disagreement"]').getAttribute('data-value');
      const { lower, upper } = v.disagreement;
      expect(JSON.parse(bracket!)).toEqual({ lower, upper });
    }

    // Every chart is drawn (open the collapsed views first).
    await page.$$eval('details', (all) => all.forEach((d) => d.setAttribute('open', '')));
    const charts = await first.locator('svg[data-chart]').evaluateAll((svgs) =>
      svgs.map((s) => ({
        width: s.getBoundingClientRect().width,
        marks: s.querySelectorAll('path, rect, circle').length,
      })),
    );
    expect(charts.length).toBeGreaterThan(10);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(100);
      expect(c.marks).toBeGreaterThan(3);
    }

    // Hover a mixed leaf: its status, what decided it, its box and its own counterexample appear,
    // as verify.json has them.
    const variant = 'ptq-static-qdq';
    await page.selectOption('#variant', variant);
    const { leaves, counterexamples } = verify.variants.find((v) => v.variant === variant)!;
    const map = first.locator('svg[data-chart="decision-map"]');
    expect(await map.locator('[data-status="agree"]').count()).toBeGreaterThan(0);
    const leaf = map.locator('[data-leaf][data-status="mixed"]').first();
    const index = Number(await leaf.getAttribute('data-leaf'));
    await leaf.hover({ force: true });
    const details = first.locator('.leaf-details');
    await expect.poll(() => details.innerText()).toContain(`Leaf ${index} of ${variant}`);
    const hovered = leaves[index]!;
    expect(hovered.status).toBe('mixed');
    expect(await details.locator('.status-mixed').count()).toBe(1);
    expect(await details.innerText()).toContain(hovered.by);
    expect(await details.innerText()).toContain(hovered.lower[0]!.toPrecision(6));
    expect(await details.innerText()).toContain(
      `int8 ≠ FP32 on ${formatShareBracket(hovered.share)} of the leaf (certified)`,
    );
    const own = counterexamples[hovered.counterexample!];
    if (own === undefined) expect(await details.innerText()).toContain('not among those listed');
    else {
      expect(await details.locator('.leaf-counterexamples li').first().innerText()).toContain(
        own.input[0]!.toPrecision(4),
      );
    }

    // Move the slice: the map is redrawn at the new position, with the leaves that plane cuts.
    const title = first.locator('[data-slice-title]');
    const before = await title.innerText();
    expect(before).toMatch(/at x = 0, ẋ = 0/);
    await page.locator('#slice-position').fill('1');
    await expect.poll(() => title.innerText()).not.toBe(before);
    expect(await page.locator('#slice-position-label').innerText()).toBe(
      (await title.innerText()).replace(/.* at /, 'at '),
    );
    // And another slice and variant.
    await page.selectOption('#slice', 'x-x_dot');
    await expect.poll(() => title.innerText()).toMatch(/ẋ against x/);
    await page.selectOption('#variant', 'qat');
    await expect
      .poll(() => first.locator('figure.map-panel').getAttribute('data-variant'))
      .toBe('qat');

    // A second run side by side, on the same slice.
    await page.setInputFiles('#add-files', runFiles('run-seed1'));
    await page.locator('[data-run="1"] table[data-table="summary"]').waitFor();
    expect(await page.locator('article.run').count()).toBe(2);
    expect(await page.locator('[data-run="1"] h2').innerText()).toBe('seed 1');
    expect(await page.locator('[data-run="1"] [data-slice-title]').innerText()).toMatch(
      /ẋ against x/,
    );
    const [a, b] = await page
      .locator('article.run')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().x));
    expect(b).toBeGreaterThan(a! + 300);

    expect(watch.errors).toEqual([]);
    expect(watch.blocked).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'viewer-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(artifacts, 'viewer-narrow.png'), fullPage: true });
    await page.close();
  });

  it('works opened from disk (file://): the built dist/index.html is one self-contained file', async () => {
    expect(readdirSync(outDir)).toEqual(['index.html']);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(join(outDir, 'index.html')).href);
    await page.setInputFiles('#open-files', runFiles('run-seed0'));
    await page.locator('[data-run="0"] table[data-table="summary"]').waitFor();
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    // The verdict column of the summary is on screen at 1600 px, not behind a scrollbar.
    const verdict = page.locator(
      '[data-run="0"] table[data-table="summary"] tbody tr:nth-child(2) [data-field="verdict"]',
    );
    const box = (await verdict.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1600);
    const seconds = page.locator(
      '[data-run="0"] table[data-table="summary"] tbody tr:nth-child(2) [data-field="seconds"]',
    );
    const last = (await seconds.boundingBox())!;
    expect(last.x + last.width).toBeLessThanOrEqual(1600);
    expect(await page.locator('[data-run="0"] article.diagnosis').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('draws the leaves a slice at exactly 0 cuts (closed float32 leaves; the next starts at 1.4e-45)', async () => {
    // run-seed0 with ptq-dynamic's leaves as the verifier's bisection at 0 leaves them: the 16
    // orthants of the box, each a closed float32 box ending at 0 or starting at 1.4e-45.
    const orthants = mkdtempSync(join(tmpdir(), 'quantproof-viewer-orthants-'));
    try {
      const verifyJson = read<{
        variants: {
          variant: string;
          region: { lower: number[]; upper: number[] };
          leaves: unknown[];
        }[];
      }>('run-seed0', 'verify.json');
      const target = verifyJson.variants.find((v) => v.variant === 'ptq-dynamic')!;
      target.leaves = Array.from({ length: 16 }, (_, k) => ({
        lower: target.region.lower.map((lo, d) =>
          (k >> d) & 1 ? 1.401298464324817e-45 : Math.fround(lo),
        ),
        upper: target.region.upper.map((hi, d) => ((k >> d) & 1 ? Math.fround(hi) : 0)),
        status: 'open',
        volume: 1 / 16,
        by: 'budget',
        counterexample: null,
        share: { lower: 0, upper: 1 },
        tieTolerance: 0,
      }));
      for (const f of FILES) {
        const text =
          f === 'verify.json'
            ? JSON.stringify(verifyJson)
            : readFileSync(join(fixtures, 'run-seed0', f), 'utf8');
        writeFileSync(join(orthants, f), text);
      }
      const { page, watch } = await openViewer(1600);
      await page.setInputFiles(
        '#open-files',
        FILES.map((f) => join(orthants, f)),
      );
      await page.locator('[data-run="0"] table[data-table="summary"]').waitFor();
      await page.selectOption('#variant', 'ptq-dynamic');
      const panel = page.locator('[data-run="0"] figure.map-panel[data-variant="ptq-dynamic"]');
      await panel.waitFor();
      expect(await page.locator('[data-run="0"] [data-slice-title]').innerText()).toMatch(
        /at x = 0, ẋ = 0/,
      );
      expect(await panel.locator('[data-leaf]').count()).toBe(4);
      expect(watch.errors).toEqual([]);
      await page.close();
    } finally {
      rmSync(orthants, { recursive: true, force: true });
    }
  });

  it('opens a run directory through the directory picker', async () => {
    const { page, watch } = await openViewer(1280);
    await page.setInputFiles('#open-directory', join(fixtures, 'run-seed1'));
    await page.locator('[data-run="0"] table[data-table="summary"]').waitFor();
    expect(await page.locator('[data-run="0"] h2').innerText()).toBe('run-seed1');
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it('says which file is missing or wrong', async () => {
    const { page } = await openViewer(1280);
    await page.setInputFiles('#open-files', runFiles('run-seed0').slice(0, 2));
    await expect.poll(() => page.locator('#message').innerText()).toMatch(/verify\.json missing/);
    await page.setInputFiles('#open-files', [
      {
        name: 'run.json',
        mimeType: 'application/json',
        buffer: Buffer.from('{"schemaVersion": 1}'),
      },
      ...runFiles('run-seed0')
        .slice(1)
        .map((path) => ({
          name: path.slice(path.lastIndexOf('/') + 1),
          mimeType: 'application/json',
          buffer: readFileSync(path),
        })),
    ]);
    await expect
      .poll(() => page.locator('#message').innerText())
      .toMatch(
        /^run\.json: \$\.schemaVersion: schemaVersion 1 is not supported: .*re-run the study/,
      );
    await page.close();
  });
});
