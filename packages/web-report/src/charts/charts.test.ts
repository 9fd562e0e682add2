import { describe, expect, it } from 'vitest';
import { groupedBarChart, stackedBarChart } from './bar-chart.js';
import { histogramChart } from './histogram.js';
import { lineChart } from './line-chart.js';
import { escapeXml, px } from './svg.js';

describe('svg helpers', () => {
  it('escape markup and round coordinates to 0.1 px', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    expect([px(1.26), px(-0.04), px(3)]).toEqual(['1.3', '0', '3']);
  });
});

describe('lineChart', () => {
  const chart = lineChart({
    chart: 'curve',
    title: 'return <per> step',
    xLabel: 'steps',
    yLabel: 'return',
    series: [
      {
        name: 'train',
        color: '#000',
        style: 'line',
        points: [
          [0, 1],
          [1, 2],
          [2, null],
          [3, 4],
          [4, 5],
        ],
      },
      {
        name: 'eval',
        color: '#f00',
        style: 'dots',
        points: [
          [0, null],
          [2, 3],
        ],
      },
    ],
  });

  it('draws a line with a gap at null and a dot per value', () => {
    const d = /data-series="train" d="([^"]*)"/.exec(chart)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/[ML]/g)).toHaveLength(4);
    expect(chart.match(/<circle/g)).toHaveLength(1);
  });

  it('has axes with d3 ticks, an escaped title and the data-chart name', () => {
    expect(chart).toContain('data-chart="curve"');
    expect(chart).toContain('<title>return &lt;per&gt; step</title>');
    expect(chart).toContain('>steps</text>');
    expect(chart.match(/class="tick-label"/g)!.length).toBeGreaterThan(4);
  });

  it('says "no data" without points', () => {
    expect(lineChart({ chart: 'c', title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toContain(
      'no data',
    );
  });
});

describe('groupedBarChart', () => {
  it('draws a bar per finite value and ∞ for null', () => {
    const chart = groupedBarChart({
      chart: 'sqnr',
      title: 'SQNR',
      groups: ['layer 1', 'layer 2'],
      xLabel: 'layer',
      yLabel: 'dB',
      series: [
        { name: 'a', color: '#111', values: [40, null] },
        { name: 'b', color: '#222', values: [30, 20] },
      ],
      format: (v) => `${v} dB`,
    });
    expect(chart.match(/<rect /g)).toHaveLength(3);
    expect(chart).toContain('<title>a, layer 2: ∞</title>');
    expect(chart).toContain('<title>b, layer 1: 30 dB</title>');
  });
});

describe('stackedBarChart', () => {
  it('splits each bar in proportion to its fractions', () => {
    const chart = stackedBarChart({
      chart: 'volume',
      title: 'volume',
      width: 450,
      rows: [
        {
          name: 'qat',
          segments: [
            { key: 'a', value: 0.75 },
            { key: 'b', value: 0.25 },
          ],
        },
      ],
      keys: [
        { key: 'a', name: 'A', color: '#0f0' },
        { key: 'b', name: 'B', color: '#f00' },
      ],
      format: (v) => `${v * 100}%`,
    });
    // Plot from x = 150 to 434: 284 px, so 213 and 71.
    expect(
      [...chart.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    ).toEqual([
      ['150', '213'],
      ['363', '71'],
    ]);
  });
});

describe('histogramChart', () => {
  it('draws one bar per bin and a step outline over the same bins', () => {
    const chart = histogramChart({
      chart: 'h',
      title: 'layer 1',
      edges: [0, 1, 2, 3],
      bars: { name: 'fp32', color: '#ccc', counts: [1, 4, 2] },
      steps: { name: 'int8', color: '#00f', counts: [2, 3, 2] },
      xLabel: 'weight',
    });
    expect(chart.match(/<rect /g)).toHaveLength(3);
    const d = /data-series="int8" d="([^"]*)"/.exec(chart)![1]!;
    expect(d.match(/H/g)).toHaveLength(3);
  });
});
