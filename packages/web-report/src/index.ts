// The public surface of @quantproof/web-report. Everything not exported here is internal.

export { ReportSchemaError, type SchemaIssue, WebReportError } from './errors.js';

export {
  type BoxJson,
  type BracketJson,
  REPORT_SCHEMA_VERSION,
  type ReportSchemaVersion,
} from './schema/common.js';
export {
  type CpuSemanticsJson,
  type RunJson,
  runJsonSchema,
  type TrainingPointJson,
} from './schema/run.js';
export {
  type LatencyJson,
  type MetricsJson,
  metricsJsonSchema,
  type VariantMetricsJson,
} from './schema/metrics.js';
export {
  type CounterexampleJson,
  type CpuSemanticsAssumedJson,
  type DisagreementEstimateJson,
  type DisagreementJson,
  LEAF_STATUSES,
  type LeafJson,
  type LeafStatus,
  type RegionVolumeJson,
  type ReplayJson,
  type VariantVerificationJson,
  type PrecisionFrontJson,
  type PrecisionPointJson,
  type RepairJson,
  type RepairRoundJson,
  type Verdict,
  type VerifyJson,
  verifyJsonSchema,
} from './schema/verify.js';
export {
  type DecisionMapPositionJson,
  type DecisionMapSliceJson,
  type LayerHistogramJson,
  type MapsJson,
  mapsJsonSchema,
  type WeightHistogramsJson,
} from './schema/maps.js';
export { parseRun, parseRunFile, type Run, type RunFiles } from './schema/parse-run.js';

export { decodeActionGrid, decodeActionRow, encodeActionRow } from './maps/action-rows.js';
export {
  nearSlice,
  type SlicedLeaf,
  type SlicedLeaves,
  sliceLeaves,
  type SlicePlane,
} from './maps/slice-leaves.js';

export {
  DEFAULT_MAX_LEAVES,
  decisionMap,
  type DecisionMap,
  type DecisionMapOptions,
} from './charts/decision-map.js';
export { type LineChartOptions, lineChart, type LineSeries } from './charts/line-chart.js';
export {
  type BarSeries,
  groupedBarChart,
  type GroupedBarChartOptions,
  stackedBarChart,
  type StackedBarChartOptions,
  type StackedRow,
} from './charts/bar-chart.js';
export { histogramChart, type HistogramChartOptions } from './charts/histogram.js';
export { escapeXml } from './charts/svg.js';

export {
  dimensionLabel,
  dimensionSymbol,
  formatBracket,
  formatDb,
  formatEstimate,
  formatMeanStd,
  formatMicroseconds,
  formatPercent,
  formatSeconds,
  formatShareBracket,
  formatValue,
  formatVector,
  MISSING,
  shareBracketEnds,
} from './report/format.js';
export {
  renderMeasurementsTable,
  renderSummaryTable,
  statusBadge,
  verdictBadge,
  verificationOf,
} from './report/summary-table.js';
export { disagreementText, renderVerdictLines } from './report/verdict-lines.js';
export {
  type DiagnosisContext,
  diagnoseRun,
  diagnoseVariant,
  renderDiagnoses,
  type VariantDiagnosis,
} from './report/diagnosis.js';
export {
  renderSqnrChart,
  renderTrainingCharts,
  renderVolumeChart,
  renderWeightHistograms,
  variantColor,
} from './report/charts-sections.js';
export {
  dimensionNames,
  mapSlices,
  renderDecisionMaps,
  slicePlane,
  sliceTitle,
  variantDecisionMap,
  type VariantDecisionMapOptions,
} from './report/decision-maps-section.js';
export { renderMapLegend } from './report/map-legend.js';
export { renderCounterexampleTable, renderRunFacts, renderWarnings } from './report/tables.js';
export { REPORT_CSS } from './report/styles.js';
export { renderReport, type RenderReportOptions } from './report/render-report.js';
export { renderPrecisionFront, renderPrecisionPage } from './report/precision-front.js';
