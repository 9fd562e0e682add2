// The counterexample table, the run facts and the quantiser's warnings.

import { escapeXml } from '../charts/svg.js';
import type { Run } from '../schema/parse-run.js';
import { dimensionNames } from './decision-maps-section.js';
import { dimensionSymbol, formatSeconds, formatVector, MISSING } from './format.js';

/** Every listed counterexample: state, FP32 and int8 logits from the executors and from onnxruntime-node, replay status. */
export function renderCounterexampleTable(run: Run): string {
  const names = dimensionNames(run).map(dimensionSymbol);
  const actions = run.maps?.actions ?? [];
  const decision = (logits: readonly number[]): string => {
    let best = 0;
    logits.forEach((v, i) => {
      if (v > logits[best]!) best = i;
    });
    return actions[best] ?? `action ${best}`;
  };
  const rows = run.verify.variants.flatMap((v) =>
    v.counterexamples.map((c, i) => {
      const status = c.replay.confirmed
        ? `<span class="verdict verdict-inconsistent">confirmed</span>`
        : `<span class="verdict verdict-unknown">not confirmed</span>`;
      return `<tr data-variant="${escapeXml(v.variant)}" data-index="${i}">
<th scope="row">${escapeXml(v.variant)}</th><td>${i + 1}</td>
<td class="mono" data-field="input">${escapeXml(formatVector(c.input))}</td>
<td class="mono" data-field="fp32Logits">${escapeXml(formatVector(c.fp32Logits))}</td>
<td class="mono" data-field="int8Logits">${escapeXml(formatVector(c.int8Logits))}</td>
<td data-field="decisions">${escapeXml(`${decision(c.fp32Logits)} → ${decision(c.int8Logits)}`)}</td>
<td class="mono" data-field="replay.fp32Logits">${escapeXml(formatVector(c.replay.fp32Logits))}</td>
<td class="mono" data-field="replay.int8Logits">${escapeXml(formatVector(c.replay.int8Logits))}</td>
<td data-field="replay.confirmed" data-value="${c.replay.confirmed}">${status} <small>${escapeXml(c.replay.runtime)}</small></td></tr>`;
    }),
  );
  const found = run.verify.variants
    .map(
      (v) => `${v.variant}: ${v.counterexamples.length} listed of ${v.counterexamplesFound} found`,
    )
    .join('; ');
  if (rows.length === 0) return '<p>No counterexample was found.</p>';
  return `<p class="muted">${escapeXml(found)}. The state is [${escapeXml(names.join(', '))}].</p>
<div class="table-scroll"><table class="counterexamples" data-table="counterexamples"><thead><tr><th scope="col">variant</th><th scope="col">#</th><th scope="col">state</th><th scope="col">FP32 logits (executor)</th><th scope="col">int8 logits (executor)</th><th scope="col">decision FP32 → int8</th><th scope="col">FP32 logits (runtime)</th><th scope="col">int8 logits (runtime)</th><th scope="col">replay</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function facts(entries: readonly (readonly [string, string])[]): string {
  return `<dl class="facts">${entries.map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd>`).join('')}</dl>`;
}

/** Versions, seeds, machine and CPU features, the semantics the int8 executor is pinned to, timings. */
export function renderRunFacts(run: Run): string {
  const r = run.run;
  const cpu = r.cpuSemantics;
  const t = r.training;
  return facts([
    ['seed', String(r.seed)],
    [
      'training',
      `${t.algorithm}, seed ${t.seed}: ${t.steps} steps, ${t.episodes} episodes, ${t.seconds.toFixed(1)} s (${t.stopReason}); greedy ${t.evaluation.mean.toFixed(1)} ± ${t.evaluation.std.toFixed(1)} over ${t.evaluation.episodes} episodes`,
    ],
    ['Node.js', r.versions.node],
    ['onnxruntime-node', r.versions.onnxruntime],
    [
      'machine',
      `${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.platform} ${r.machine.release}`,
    ],
    [
      'int8 kernel on this CPU',
      cpu === null
        ? 'unknown (CPU not identified)'
        : `${cpu.kernel} (${cpu.semantics}): ${cpu.reason}`,
    ],
    [
      'executor and verifier pinned to',
      cpu === null
        ? MISSING
        : `${cpu.modelled}${cpu.matches ? ' — matches this CPU' : ' — DIFFERS from this CPU: results do not describe onnxruntime here'}`,
    ],
    ['verification semantics', run.verify.semantics],
    [
      'verification',
      run.verify.variants
        .map((v) => `${v.variant}: ${v.method} bounds, ${v.boxes} boxes, ${v.stopReason}`)
        .join('; '),
    ],
    [
      'timings',
      Object.entries(r.timings)
        .map(([k, v]) => `${k} ${formatSeconds(v)}`)
        .join(', '),
    ],
  ]);
}

/** The quantiser's warnings per variant. */
export function renderWarnings(run: Run): string {
  const entries = Object.entries(run.metrics.warnings).filter(([, w]) => w.length > 0);
  if (entries.length === 0) return '<p>The quantiser raised no warning.</p>';
  return `<ul class="warnings">${entries
    .map(
      ([name, ws]) =>
        `<li><strong>${escapeXml(name)}</strong><ul>${ws.map((w) => `<li>${escapeXml(w)}</li>`).join('')}</ul></li>`,
    )
    .join('')}</ul>`;
}
