/** Queue depth at one instant. */
export interface DepthSample {
  readonly at: number;
  readonly depth: number;
}

/** Where a queue is heading. */
export interface DepthTrend {
  readonly depth: number;
  /** Change of depth per second over the window; negative while draining; `null` with one sample only. */
  readonly perSecond: number | null;
  /** Seconds until empty at the current net drain rate: 0 when empty, `null` when not draining. */
  readonly etaSeconds: number | null;
}

/** Keeps the samples of the last `windowMs` (and always the newest), oldest first. */
export function addDepthSample(samples: readonly DepthSample[], sample: DepthSample, windowMs: number): DepthSample[] {
  return [...samples, sample].filter((kept) => sample.at - kept.at <= windowMs);
}

/**
 * Trend and ETA of a queue from its depth samples. The trend spans the whole window rather than the last
 * interval: single polls are noisy (a batch completes just before or after one), a window is not.
 * ETA = depth / net drain rate, where the net drain rate is how fast the depth falls — producers still
 * adding count against it, so a queue that takes in as much as it delivers never shows a false ETA.
 */
export function depthTrend(samples: readonly DepthSample[]): DepthTrend {
  const last = samples[samples.length - 1];
  const first = samples[0];
  if (!last || !first) return { depth: 0, perSecond: null, etaSeconds: null };
  if (last.at <= first.at) return { depth: last.depth, perSecond: null, etaSeconds: last.depth === 0 ? 0 : null };
  const perSecond = (last.depth - first.depth) / ((last.at - first.at) / 1000);
  const etaSeconds = last.depth === 0 ? 0 : perSecond < 0 ? last.depth / -perSecond : null;
  return { depth: last.depth, perSecond, etaSeconds };
}
