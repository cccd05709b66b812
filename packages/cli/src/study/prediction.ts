// What the model made of the one image `crossmodal attention` looks at: its top classes with their
// softmax probabilities, and the label when the example has one, by class name where the dataset
// names its classes. Printed beside the pictures and put in the sheet's title, so a map is never
// read without knowing whether the model got the image right.

/** A class index with its name when known: `9 (Ankle boot)`, or `9`. */
function className(index: number, names: readonly string[] | undefined): string {
  const name = names?.[index];
  return name === undefined || name === String(index) ? String(index) : `${index} (${name})`;
}

/** The model's top `k` classes for one example's logits, as softmax probabilities, best first. */
export function topClasses(logits: ArrayLike<number>, k = 3): { index: number; p: number }[] {
  if (logits.length === 0) throw new RangeError('attention: the model returned no logits to name a prediction from');
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  if (!Number.isFinite(max)) throw new RangeError(`attention: the model's logits are not finite (largest ${max}); the checkpoint's weights hold NaN or ±inf`);
  const e = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e
    .map((v, index) => ({ index, p: v / sum }))
    .sort((a, b) => b.p - a.p || a.index - b.index)
    .slice(0, Math.max(1, k));
}

/** The prediction for the printed line and the sheet: `label 9 (Ankle boot), predicted 9 (Ankle boot) 97.1%; then 7 (Sneaker) 1.2%, …`. */
export function describePrediction(logits: ArrayLike<number>, label: number | undefined, classNames?: readonly string[]): { line: string; short: string } {
  const [best, ...rest] = topClasses(logits, 3);
  const pct = (p: number) => `${(100 * p).toFixed(1)}%`;
  const labelPart = label === undefined ? '' : `label ${className(label, classNames)}, `;
  const verdict = label === undefined ? '' : best!.index === label ? ' (right)' : ' (wrong)';
  const then = rest.length === 0 ? '' : `; then ${rest.map((c) => `${className(c.index, classNames)} ${pct(c.p)}`).join(', ')}`;
  return {
    line: `${labelPart}predicted ${className(best!.index, classNames)} ${pct(best!.p)}${verdict}${then}`,
    short: `${label === undefined ? '' : `LABEL ${className(label, classNames)}, `}PREDICTED ${className(best!.index, classNames)} ${pct(best!.p)}`,
  };
}
