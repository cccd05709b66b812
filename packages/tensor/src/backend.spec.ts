import { describe, expect, it } from 'vitest';
import { CPU, CpuStorage, defineKernel, Exp, kernelTable, MatMul, type CpuBackend } from './index.ts';

describe('kernels', () => {
  const expKernel = defineKernel(Exp, CPU, (_: CpuBackend, { x }) => new CpuStorage(x.storage.data.map(Math.exp)));

  it('index by op name and refuse a duplicate', () => {
    expect(kernelTable(CPU, [expKernel]).get('Exp')).toBe(expKernel);
    expect(() => kernelTable(CPU, [expKernel, expKernel])).toThrow('kernelTable(cpu): two kernels for op Exp');
  });

  it('refuse a kernel written for another backend', () => {
    expect(() => kernelTable('webgpu', [expKernel])).toThrow("kernelTable(webgpu): kernel for Exp belongs to backend 'cpu'");
  });

  it('are typed by their op: wrong input names or attrs do not compile', () => {
    // @ts-expect-error MatMul's inputs are a and b, not x
    defineKernel(MatMul, CPU, (_: CpuBackend, { x }) => x.storage);
    // @ts-expect-error MatMul has no attr named axis
    defineKernel(MatMul, CPU, (_: CpuBackend, { a }, { axis }) => (axis ? a.storage : a.storage));
    const ok = defineKernel(MatMul, CPU, (_: CpuBackend, { a }, { transA }) => (transA ? a.storage : a.storage));
    expect(ok.op).toBe(MatMul);
  });
});
