// Percentile and entropy (KL) range selection as onnxruntime's `calibrate.py` `HistogramCollector`
// does it, for one tensor whose values are all collected at once (as `HistogramCalibrater`
// collects them). The algorithms are reproduced step by step; numpy's histogram binning is
// reproduced in float64, so a value lying exactly on a bin edge may land one bin over from
// numpy's float32 computation. Only MinMax is bit-identical to the Python quantiser.

/** A calibrated range of one tensor, as float32 values. */
export interface TensorRange {
  readonly min: number;
  readonly max: number;
}

interface Histogram {
  readonly counts: Float64Array;
  /** numBins + 1 edges. */
  readonly edges: Float64Array;
}

/** numpy.histogram(values, bins, range=(lo, hi)) with equal-width bins; the last bin is closed. */
function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): Histogram {
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (hi - lo) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = lo + i * step;
  edges[bins] = hi;
  const counts = new Float64Array(bins);
  for (let n = 0; n < values.length; n++) {
    const v = values[n]!;
    if (v < lo || v > hi) continue;
    let index = Math.floor(((v - lo) / (hi - lo)) * bins);
    if (index >= bins) index = bins - 1;
    if (v < edges[index]!) index -= 1;
    else if (index < bins - 1 && v >= edges[index + 1]!) index += 1;
    counts[index] = counts[index]! + 1;
  }
  return { counts, edges };
}

/** numpy.searchsorted(sorted, value) (side 'left'): the first index whose element is >= value. */
function searchSortedLeft(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cumulativeDistribution(counts: Float64Array): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  const cdf = new Float64Array(counts.length);
  let running = 0;
  for (let i = 0; i < counts.length; i++) {
    running += counts[i]! / total;
    cdf[i] = running;
  }
  return cdf;
}

function minMax(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return values.length === 0 ? { min: 0, max: 0 } : { min, max };
}

function clipToData(lo: number, hi: number, min: number, max: number): TensorRange {
  return { min: Math.fround(lo < min ? min : lo), max: Math.fround(hi > max ? max : hi) };
}

/**
 * `compute_percentile`: symmetric (onnxruntime's default for Percentile) histograms |x| over
 * [min|x|, max|x|] and takes `±edges[searchsorted(cdf, p/100)]`; asymmetric histograms x over
 * ±max|x| and cuts `(100 - p)/200` from each side. The result is clipped to the data's min/max.
 */
export function percentileRange(
  values: ArrayLike<number>,
  percentile: number,
  numBins: number,
  symmetric: boolean,
): TensorRange {
  const { min, max } = minMax(values);
  if (symmetric) {
    const abs = Array.from(values, (v) => Math.abs(v));
    const { min: absMin, max: absMax } = minMax(abs);
    const { counts, edges } = histogram(abs, numBins, absMin, absMax);
    const cdf = cumulativeDistribution(counts);
    const t = Math.fround(edges[Math.min(searchSortedLeft(cdf, percentile / 100), numBins)]!);
    return clipToData(-t, t, min, max);
  }
  const threshold = Math.fround(Math.max(Math.abs(min), Math.abs(max)));
  const { counts, edges } = histogram(values, numBins, -threshold, threshold);
  const cdf = cumulativeDistribution(counts);
  const cut = (100 - percentile) / 200;
  const right = Math.min(searchSortedLeft(cdf, 1 - cut), numBins);
  const left = Math.min(searchSortedLeft(cdf, cut), numBins);
  return clipToData(Math.fround(edges[left]!), Math.fround(edges[right]!), min, max);
}

/** `smooth_distribution`: zeros become eps, the mass is taken off the non-zero bins; null if all zero. */
function smooth(p: Float64Array, eps = 0.0001): Float64Array | null {
  let zeros = 0;
  for (const v of p) if (v === 0) zeros++;
  const nonZeros = p.length - zeros;
  if (nonZeros === 0) return null;
  const eps1 = (eps * zeros) / nonZeros;
  return p.map((v) => (v === 0 ? v + eps : v - eps1));
}

/** `entropy(p, q)` (scipy semantics): both normalised, Σ p · ln(p / q). */
function klDivergence(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    if (pi === 0) continue;
    s += qi > 0 ? pi * Math.log(pi / qi) : Infinity;
  }
  return s;
}

/**
 * `get_entropy_threshold` on a histogram of x over ±max|x| with `numBins` bins: for every
 * candidate symmetric window of at least `numQuantizedBins` bins, fold the outliers into the end
 * bins (p), merge the window into `numQuantizedBins` bins and spread each back over its source
 * bins with truncating integer division (q), smooth both and take the window of least KL
 * divergence (the first on ties). The result is clipped to the data's min/max.
 */
export function entropyRange(
  values: ArrayLike<number>,
  numBins: number,
  numQuantizedBins: number,
): TensorRange {
  const { min, max } = minMax(values);
  const threshold = Math.fround(Math.max(Math.abs(min), Math.abs(max)));
  const { counts: hist, edges } = histogram(values, numBins, -threshold, threshold);
  const zeroBin = Math.floor(numBins / 2);
  const halfQuantized = Math.floor(numQuantizedBins / 2);
  let bestDivergence = Infinity;
  let best: TensorRange | null = null;
  for (let i = halfQuantized; i <= zeroBin; i++) {
    const start = zeroBin - i;
    const end = Math.min(zeroBin + i + 1, numBins);
    const sliced = hist.slice(start, end);
    const p = sliced.slice();
    let left = 0;
    for (let b = 0; b < start; b++) left += hist[b]!;
    let right = 0;
    for (let b = end; b < numBins; b++) right += hist[b]!;
    p[0] = p[0]! + left;
    p[p.length - 1] = p[p.length - 1]! + right;
    const merged = Math.floor(sliced.length / numQuantizedBins);
    const quantized = new Float64Array(numQuantizedBins);
    for (let b = 0; b < numQuantizedBins; b++) {
      for (let m = b * merged; m < b * merged + merged; m++)
        quantized[b] = quantized[b]! + sliced[m]!;
    }
    for (let m = numQuantizedBins * merged; m < sliced.length; m++) {
      quantized[numQuantizedBins - 1] = quantized[numQuantizedBins - 1]! + sliced[m]!;
    }
    const q = new Float64Array(p.length);
    for (let b = 0; b < numQuantizedBins; b++) {
      const from = b * merged;
      const to = from + merged;
      let norm = 0;
      for (let m = from; m < to; m++) if (p[m] !== 0) norm++;
      if (norm !== 0) {
        // numpy assigns into an int64 array: the quotient truncates toward zero.
        const value = Math.trunc(quantized[b]! / norm);
        for (let m = from; m < to; m++) q[m] = value;
      }
    }
    const ps = smooth(p);
    const qs = smooth(q);
    const divergence = ps === null || qs === null ? Infinity : klDivergence(ps, qs);
    if (best === null || divergence < bestDivergence) {
      bestDivergence = divergence;
      best = clipToData(Math.fround(edges[start]!), Math.fround(edges[end]!), min, max);
    }
  }
  return best ?? clipToData(-threshold, threshold, min, max);
}
