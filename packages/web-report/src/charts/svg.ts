// SVG and HTML text building: escaping, compact coordinates, the chart frame.

/** Escapes text for HTML or XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate rounded to 0.1 px, without a trailing `.0` (keeps large SVGs small). */
export function px(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** Options of `svgFrame`. */
export interface SvgFrameOptions {
  readonly width: number;
  readonly height: number;
  /** Accessible title (also the chart's tooltip). */
  readonly title: string;
  /** A longer accessible description. */
  readonly description?: string;
  /** `data-chart` attribute value, which tests and the viewer select charts by. */
  readonly chart: string;
  readonly className?: string;
}

/**
 * Wraps `body` in an `<svg>` with a viewBox (so it scales to its container), a title and a
 * description for screen readers.
 */
export function svgFrame(options: SvgFrameOptions, body: string): string {
  const description =
    options.description === undefined ? '' : `<desc>${escapeXml(options.description)}</desc>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${options.className ?? ''}" ` +
    `data-chart="${escapeXml(options.chart)}" viewBox="0 0 ${options.width} ${options.height}" ` +
    `width="${options.width}" height="${options.height}" style="max-width:${options.width}px" role="img">` +
    `<title>${escapeXml(options.title)}</title>${description}${body}</svg>`
  );
}

/** The plot area inside a chart's margins. */
export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The plot area of a `width`×`height` chart with the given margins. */
export function plotArea(
  width: number,
  height: number,
  margin: {
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
    readonly left: number;
  },
): PlotArea {
  return {
    left: margin.left,
    top: margin.top,
    right: width - margin.right,
    bottom: height - margin.bottom,
  };
}
