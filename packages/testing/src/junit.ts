// JUnit XML, the report format CI systems (GitHub Actions reporters, GitLab, Jenkins, CircleCI)
// display: one test suite, one test case per compared metric; a regressed or inconclusive metric
// is a failure.
import type { BaselineComparison } from './baseline.js';

/** Options of `junitReport`. */
export interface JunitOptions {
  /** The suite's name. Default `quantproof check`. */
  readonly suite?: string;
  /** Wall-clock seconds of the check. */
  readonly seconds?: number;
  /** Text for the suite's system-out (e.g. the model files and the theorem). */
  readonly output?: string;
}

function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // Characters XML 1.0 cannot hold at all.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

/** The JUnit XML document of a baseline comparison. */
export function junitReport(comparison: BaselineComparison, options: JunitOptions = {}): string {
  const suite = escapeXml(options.suite ?? 'quantproof check');
  const failures = comparison.metrics.filter(
    (m) => m.status === 'regressed' || m.status === 'inconclusive',
  ).length;
  const time = (options.seconds ?? 0).toFixed(3);
  const cases = comparison.metrics.map((m) => {
    const open = `    <testcase classname="${suite}" name="${m.metric}" time="0">`;
    if (m.status === 'regressed' || m.status === 'inconclusive') {
      const message = escapeXml(`${m.metric} ${m.status}: ${m.detail}`);
      return `${open}\n      <failure type="${m.status}" message="${message}">${message}</failure>\n    </testcase>`;
    }
    return `${open}\n      <system-out>${escapeXml(`${m.status}: ${m.detail}`)}</system-out>\n    </testcase>`;
  });
  const out =
    options.output === undefined
      ? []
      : [`    <system-out>${escapeXml(options.output)}</system-out>`];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${suite}" tests="${comparison.metrics.length}" failures="${failures}" time="${time}">`,
    `  <testsuite name="${suite}" tests="${comparison.metrics.length}" failures="${failures}" errors="0" skipped="0" time="${time}">`,
    ...cases,
    ...out,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
