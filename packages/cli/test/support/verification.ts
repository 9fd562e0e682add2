// What every region verification the cli writes (verify --json, verify.json of a run) must say
// about itself: it parses with web-report's reader (schema version 2), its verdict follows from
// its leaves (ARCHITECTURE.md, "Verdicts"), and its disagreement bracket and estimate from its
// volumes. Checked on real outputs only.

import {
  LEAF_STATUSES,
  parseRunFile,
  REPORT_SCHEMA_VERSION,
  type VariantVerificationJson,
  verifyJsonSchema,
} from '@quantproof/web-report';
import { expect } from 'vitest';

/** `variant` (one entry of verify.json, or what `verify --json` prints) parsed by web-report. */
export function parseVerification(variant: unknown): VariantVerificationJson {
  const [parsed] = parseRunFile('verify.json', verifyJsonSchema, {
    schemaVersion: REPORT_SCHEMA_VERSION,
    semantics: 'test',
    variants: [variant],
  }).variants;
  return parsed!;
}

/** Checks the verdict, volumes, bracket and estimate of one verification against each other. */
export function expectCoherentVerification(v: VariantVerificationJson): void {
  const { volume, disagreement, leaves } = v;
  const total = LEAF_STATUSES.reduce((s, status) => s + volume[status], 0);
  expect(Math.abs(total - 1), `${v.variant}: volume shares sum to 1`).toBeLessThan(1e-9);
  expect(leaves.length).toBeGreaterThan(0);
  for (const status of LEAF_STATUSES) {
    const fromLeaves = leaves.filter((l) => l.status === status).reduce((s, l) => s + l.volume, 0);
    expect(volume[status], `${v.variant}: ${status} volume from its leaves`).toBeCloseTo(
      fromLeaves,
      9,
    );
  }
  // The bracket is the leaves' shares weighted by volume: at least the disagree volume, at most
  // disagree + mixed + open (each summed in some order).
  for (const leaf of leaves) {
    if (leaf.status === 'agree') expect(leaf.share).toEqual({ lower: 0, upper: 0 });
    if (leaf.status === 'disagree') expect(leaf.share).toEqual({ lower: 1, upper: 1 });
  }
  const weighted = (end: 'lower' | 'upper'): number =>
    leaves.reduce((s, l) => s + l.volume * l.share[end], 0);
  expect(disagreement.lower).toBeCloseTo(weighted('lower'), 9);
  expect(disagreement.upper).toBeCloseTo(weighted('upper'), 9);
  const slack = 1e-12;
  expect(disagreement.lower).toBeGreaterThanOrEqual(volume.disagree - slack);
  expect(disagreement.upper).toBeLessThanOrEqual(
    volume.disagree + volume.mixed + volume.open + slack,
  );
  expect(disagreement.lower).toBeLessThanOrEqual(disagreement.upper);
  const { estimate } = disagreement;
  if (volume.mixed + volume.open === 0) expect(estimate).toBeNull();
  else {
    expect(estimate, `${v.variant}: an estimate where mixed or open leaves leave a gap`).not.toBe(
      null,
    );
    const e = estimate!;
    expect(e.samples).toBeGreaterThan(0);
    expect(e.confidence).toBe(0.95);
    // Inside the certified bracket (its value need not lie inside its own interval to the ulp).
    for (const v of [e.low, e.value, e.high]) {
      expect(v).toBeGreaterThanOrEqual(disagreement.lower);
      expect(v).toBeLessThanOrEqual(disagreement.upper);
    }
    expect(e.low).toBeLessThanOrEqual(e.high);
  }
  // The verdict (ARCHITECTURE.md, "Verdicts").
  const expected =
    v.counterexamplesFound > 0
      ? 'inconsistent'
      : leaves.every((l) => l.status === 'agree')
        ? 'consistent'
        : 'unknown';
  expect(v.verdict).toBe(expected);
  // A mixed leaf carries its replayed counterexample; listed ones replay in onnxruntime-node.
  for (const leaf of leaves) {
    if (leaf.status !== 'mixed') continue;
    expect(leaf.counterexample).not.toBeNull();
    expect(leaf.counterexample!).toBeLessThan(v.counterexamplesFound);
  }
  expect(v.counterexamples.length).toBeLessThanOrEqual(v.counterexamplesFound);
}
