// The WebGPU bench suites (ours and TF.js webgpu/wasm), for the combined bench (tools/bench-suite).
export { matmulCases, runMatmul, type MatmulCase } from './matmul.suite.ts';
export { runAttention } from './attention.suite.ts';
export { runVit } from './vit.suite.ts';
export { runTfjsWasm } from './tfjs-wasm.suite.ts';
export { loadTfWebGpu, type TfWebGpu } from './tfjs.ts';
