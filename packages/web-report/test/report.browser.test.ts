// The report of a committed run (fixtures/run, see its README) in Debian's Chromium: every section
// and chart is there, the tables say what metrics.json and verify.json say, nothing is requested
// from the network, the console stays clean, and the tables read without JavaScript.

import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatBracket,
  formatEstimate,
  formatMeanStd,
  formatMicroseconds,
  formatPercent,
  formatSeconds,
  formatShareBracket,
  formatValue,
  LEAF_STATUSES,
  parseRun,
  renderReport,
  type Run,
} from '../src/index.js';
import { launchChromium, servePage } from '@quantproof/test-support';

const fixture = new URL('./fixtures/run/', import.meta.url);
const artifacts = new URL('../test-artifacts/', import.meta.url);
const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, fixture), 'utf8'));
const URL_OF_REPORT = 'http://report.test/report.html';

let browser: Browser;
let run: Run;
let html: string;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  run = parseRun({
    runJson: read('run.json'),
    metricsJson: read('metrics.json'),
    verifyJson: read('verify.json'),
    mapsJson: read('maps.json'),
  });
  html = renderReport(run, { source: 'test/fixtures/run' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Every summary cell as variant → field → { text, value }. */
type Cells = Record<string, Record<string, { text: string; value: string | null }>>;

describe('the report of a real run in Chromium', () => {
  it('shows every section and chart, with the values of the run files, offline', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const watch = await servePage(page, URL_OF_REPORT, html);
    await page.goto(URL_OF_REPORT);

    const sections = await page.$$eval('section[data-section]', (s) => s.map((e) => e.id));
    expect(sections).toEqual([
      'answer',
      'summary',
      'verification',
      'certified',
      'training',
      'decision-maps',
      'quantisation',
      'counterexamples',
      'facts',
    ]);

    // Every chart is drawn: a non-empty box with marks in it.
    const charts = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return {
          chart: svg.getAttribute('data-chart'),
          width: box.width,
          height: box.height,
          marks: svg.querySelectorAll('path, rect, circle').length,
        };
      }),
    );
    const count = (name: string): number => charts.filter((c) => c.chart === name).length;
    const variants = run.verify.variants.length;
    expect(count('verified-volume')).toBe(1);
    expect(count('training-steps')).toBe(1);
    expect(count('training-time')).toBe(1);
    expect(count('sqnr')).toBe(1);
    expect(count('decision-map')).toBe(run.maps!.slices.length * variants);
    expect(count('weight-histogram')).toBe(
      run.maps!.histograms.reduce((s, h) => s + h.layers.length, 0),
    );
    for (const c of charts) {
      expect(c.width, c.chart ?? '').toBeGreaterThan(100);
      expect(c.height, c.chart ?? '').toBeGreaterThan(100);
      expect(c.marks, c.chart ?? '').toBeGreaterThan(3);
    }
    // The maps show boundaries and leaves.
    expect(await page.locator('svg[data-chart="decision-map"] .boundary-fp32').count()).toBe(
      run.maps!.slices.length * variants,
    );
    expect(
      await page.locator('svg[data-chart="decision-map"] [data-leaf]').count(),
    ).toBeGreaterThan(50);

    // The summary table holds exactly the run's numbers, printed by the documented rules.
    const cells = await page.$$eval('table[data-table] tbody tr', (rows) => {
      const out: Record<string, Record<string, { text: string; value: string | null }>> = {};
      for (const row of rows) {
        const entry = out[row.getAttribute('data-variant')!] ?? {};
        for (const cell of row.querySelectorAll('[data-field]')) {
          entry[cell.getAttribute('data-field')!] = {
            text: (cell.textContent ?? '').trim(),
            value: cell.getAttribute('data-value'),
          };
        }
        out[row.getAttribute('data-variant')!] = entry;
      }
      return out;
    });
    expectSummary(cells as Cells, run);

    const counterexampleRows = await page
      .locator('table[data-table="counterexamples"] tbody tr')
      .count();
    expect(counterexampleRows).toBe(
      run.verify.variants.reduce((s, v) => s + v.counterexamples.length, 0),
    );
    expect(await page.locator('#facts').innerText()).toContain(run.verify.semantics);

    expect(watch.errors).toEqual([]);
    expect(watch.blocked).toEqual([]);
    await page.screenshot({
      path: new URL('report-desktop.png', artifacts).pathname,
      fullPage: true,
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({
      path: new URL('report-narrow.png', artifacts).pathname,
      fullPage: true,
    });
    // Narrow: the page itself does not scroll sideways; wide tables scroll inside their box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.close();
  });

  it('draws the leaves of slices at exactly 0 (closed float32 leaves; the next starts at 1.4e-45)', async () => {
    // ptq-dynamic's leaves as the verifier's bisection at 0 leaves them: 16 orthants of the box,
    // each a closed float32 box ending at 0 or starting at the next float32 value, 1.4e-45.
    const verifyJson = read('verify.json') as {
      variants: { variant: string; leaves: unknown[] }[];
    };
    const target = verifyJson.variants.find((v) => v.variant === 'ptq-dynamic')!;
    const region = run.verify.variants.find((v) => v.variant === 'ptq-dynamic')!.region;
    target.leaves = Array.from({ length: 16 }, (_, k) => ({
      lower: region.lower.map((lo, d) => ((k >> d) & 1 ? 1.401298464324817e-45 : Math.fround(lo))),
      upper: region.upper.map((hi, d) => ((k >> d) & 1 ? Math.fround(hi) : 0)),
      status: 'open',
      volume: 1 / 16,
      by: 'budget',
      counterexample: null,
      share: { lower: 0, upper: 1 },
      tieTolerance: 0,
    }));
    const orthants = parseRun({
      runJson: read('run.json'),
      metricsJson: read('metrics.json'),
      verifyJson,
      mapsJson: read('maps.json'),
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await servePage(page, URL_OF_REPORT, renderReport(orthants, { source: 'orthants' }));
    await page.goto(URL_OF_REPORT);
    const panels = await page.$$eval('figure.map-panel[data-variant="ptq-dynamic"]', (figures) =>
      figures.map((f) => ({
        leaves: f.querySelectorAll('[data-leaf]').length,
        caption: f.querySelector('figcaption')?.textContent ?? '',
      })),
    );
    expect(panels.length).toBe(orthants.maps!.slices.length);
    for (const panel of panels) {
      // Every slice of the report fixes two dimensions at 0 (at its first position): 4 orthants.
      expect(panel.leaves, panel.caption).toBe(4);
      expect(panel.caption).toContain('4 leaves in the slice');
    }
    await page.close();
  });

  it('opens with the answer and shows the verdict column without scrolling at 1280, 1400 and 1920 px', async () => {
    for (const width of [1280, 1400, 1920]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await servePage(page, URL_OF_REPORT, html);
      await page.goto(URL_OF_REPORT);
      // The page does not scroll sideways, and the summary table fits its box.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        width,
      );
      const table = await page.$eval('table[data-table="summary"]', (t) => ({
        width: t.scrollWidth,
        box: t.parentElement!.clientWidth,
      }));
      expect(table.width, `summary table at ${width} px`).toBeLessThanOrEqual(table.box);
      for (const field of [
        'verdict',
        'disagreement',
        'volume.open',
        'flipMargin',
        'errorBound',
        'seconds',
      ]) {
        const cell = page.locator(
          `table[data-table="summary"] tbody tr:nth-child(2) [data-field="${field}"]`,
        );
        const box = (await cell.boundingBox())!;
        expect(box.x + box.width, `${field} at ${width} px`).toBeLessThanOrEqual(width);
      }
      // Every variant's verdict sentence and next step are above the fold.
      const answers = await page.$$eval('#answer article.diagnosis', (articles) =>
        articles.map((a) => ({
          sentence: a.querySelector('.verdict-sentence')?.textContent ?? '',
          bottom: a.querySelector('.verdict-sentence')!.getBoundingClientRect().bottom,
          next: a.querySelector('.next-step')?.textContent ?? '',
        })),
      );
      expect(answers.map((a) => a.sentence.split(' ')[1])).toEqual(
        run.verify.variants.map((v) => v.variant),
      );
      for (const a of answers) expect(a.next).toMatch(/^Next step: /);
      expect(answers[0]!.bottom).toBeLessThan(900);
      await page.screenshot({ path: new URL(`report-${width}.png`, artifacts).pathname });
      await page.close();
    }
  });

  it('reads without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const watch = await servePage(page, URL_OF_REPORT, html);
    await page.goto(URL_OF_REPORT);
    expect(await page.locator('table[data-table="summary"] tbody tr').count()).toBe(
      run.metrics.variants.length,
    );
    expect(await page.locator('svg[data-chart]').count()).toBeGreaterThan(10);
    expect(watch.blocked).toEqual([]);
    await context.close();
  });
});

/** The summary table against metrics.json and verify.json, cell by cell. */
function expectSummary(cells: Cells, run: Run): void {
  expect(Object.keys(cells)).toEqual(run.metrics.variants.map((v) => v.name));
  for (const m of run.metrics.variants) {
    const row = cells[m.name]!;
    const number = (field: string, value: number, text: string): void => {
      expect(Number(row[field]!.value), `${m.name} ${field}`).toBe(value);
      expect(row[field]!.text, `${m.name} ${field}`).toBe(text);
    };
    expect(row['name']!.text).toBe(m.name);
    expect(row['format']!.text).toBe(m.format);
    number('onnxBytes', m.onnxBytes, String(m.onnxBytes));
    number('parameterBytes', m.parameterBytes, String(m.parameterBytes));
    number('latencyBatch1.p50', m.latencyBatch1.p50, formatMicroseconds(m.latencyBatch1.p50));
    number('latencyBatch1.p95', m.latencyBatch1.p95, formatMicroseconds(m.latencyBatch1.p95));
    number('latencyBatch256.p50', m.latencyBatch256.p50, formatMicroseconds(m.latencyBatch256.p50));
    number('latencyBatch256.p95', m.latencyBatch256.p95, formatMicroseconds(m.latencyBatch256.p95));
    number('reward', m.reward.mean, formatMeanStd(m.reward.mean, m.reward.std));
    number('agreementVisited', m.agreementVisited, formatPercent(m.agreementVisited));
    number('agreementBox', m.agreementBox, formatPercent(m.agreementBox));
    number('maxLogitDifference', m.maxLogitDifference, formatValue(m.maxLogitDifference));
    const v = run.verify.variants.find((x) => x.variant === m.name);
    if (v === undefined) {
      expect(row['disagreement']!.text).toBe('—');
      expect(row['volume.agree']!.text).toBe('—');
      continue;
    }
    expect(row['verdict']!.value).toBe(v.verdict);
    const { lower, upper, estimate } = v.disagreement;
    expect(JSON.parse(row['disagreement']!.value!)).toEqual({ lower, upper });
    expect(row['disagreement']!.text).toBe(formatShareBracket(v.disagreement));
    expect(row['disagreement.estimate']!.text).toBe(formatEstimate(estimate));
    if (estimate !== null) expect(Number(row['disagreement.estimate']!.value)).toBe(estimate.value);
    for (const status of LEAF_STATUSES) {
      number(`volume.${status}`, v.volume[status], formatPercent(v.volume[status]));
    }
    number('seconds', v.seconds, formatSeconds(v.seconds));
    expect(row['flipMargin']!.text).toBe(formatBracket(v.flipMargin));
    expect(row['errorBound']!.text).toBe(formatBracket(v.errorBound));
  }
}
