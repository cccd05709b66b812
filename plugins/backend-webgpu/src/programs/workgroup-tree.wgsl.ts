// The workgroup tree the hardware-adapter variants of the row programs share: one workgroup per
// row, each lane folding a strided share of it, then log2(TREE_WG) halving steps in workgroup
// memory. On a GPU this keeps every lane busy and reads coalesced; on lavapipe each barrier costs
// more than it saves, which is why the serial programs stay the default there.

/** Lanes per workgroup of the tree programs (WebGPU's default maxComputeInvocationsPerWorkgroup). */
export const TREE_WG = 256;

/** Workgroup counts for one workgroup per row: [x, y, 1] with x ≤ 65535; the row is `wid.x + wid.y * nwg.x`. */
export function dispatchRows(rows: number): [number, number, number] {
  const x = Math.min(Math.max(1, rows), 65535);
  return [x, Math.ceil(Math.max(1, rows) / x), 1];
}

/** The halving steps over `lanes` lanes: `combine(w)` folds lane + w into lane; a barrier after each. */
export function treeSteps(combine: (w: number) => string, lanes = TREE_WG): string {
  const steps: string[] = [];
  for (let w = lanes / 2; w >= 1; w /= 2) steps.push(`if (lane < ${w}u) { ${combine(w)} }\n  workgroupBarrier();`);
  return steps.join('\n  ');
}

/**
 * WGSL of `var<workgroup> tree` and, per entry of `ops` (name → combining expression of `a` and
 * `b`), `fn tree_<name>(lane, v) -> f32`: the combination of every lane's `v`, as a uniform value
 * (so a branch on it may precede further barriers). Call from uniform control flow.
 */
export function wgslTreeF32(ops: Readonly<Record<string, string>>): string {
  const fns = Object.entries(ops).map(([name, expr]) => {
    const combine = (w: number) => `let a = tree[lane]; let b = tree[lane + ${w}u]; tree[lane] = ${expr};`;
    return `fn tree_${name}(lane: u32, v: f32) -> f32 {
  tree[lane] = v;
  workgroupBarrier();
  ${treeSteps(combine)}
  let r = workgroupUniformLoad(&tree[0]);
  // No lane may overwrite tree (the next call) before every lane has read the result.
  workgroupBarrier();
  return r;
}`;
  });
  return `var<workgroup> tree: array<f32, ${TREE_WG}>;\n${fns.join('\n')}`;
}
