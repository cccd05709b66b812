// Formatting for console lines: durations, metrics, learning rates and the bar itself. Pure, so
// the exact output is testable and the same on every platform (no locale-dependent separators).

/** `m:ss` under an hour, `h:mm:ss` from there; `?` when unknown or not finite. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const two = (n: number): string => String(n).padStart(2, '0');
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** A metric value: four decimals in [-1000, 1000] (losses, accuracies), else four significant digits. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) < 1000 ? value.toFixed(4) : value.toPrecision(4);
}

/** `accuracy 0.9633 loss 0.1234`: keys in the order given. */
export function formatMetrics(metrics: Readonly<Record<string, number>>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${formatValue(v)}`)
    .join(' ');
}

/** A learning rate in short scientific form: `1.00e-2`. */
export const formatLr = (lr: number): string => lr.toExponential(2).replace('e+', 'e');

/** `[######--------]`: `fraction` of `width` cells filled (clamped to [0, 1]). */
export function formatBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** `text` cut to `columns − 1` characters (the last column would wrap on some terminals). */
export function fitToWidth(text: string, columns: number | undefined): string {
  return columns !== undefined && columns > 1 && text.length > columns - 1 ? text.slice(0, columns - 1) : text;
}
