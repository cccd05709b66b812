// @crossmodal/bench: what the backend plugins' bench suites share.
export { measure, median, markdownTable, fmt, updateSection, type BenchRecord, type SamplePlan, type Timing } from './harness.ts';
export { BENCH_VIT, BenchVit, vitStepMs } from './bench-vit.ts';
export { runTorchBench, type TorchBench, type TorchBenchOptions } from './torch.ts';
