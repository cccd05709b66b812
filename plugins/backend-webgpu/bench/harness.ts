// The bench harness now lives in @crossmodal/bench (shared with the native backend's bench); this
// module re-exports it for the WebGPU suites.
export { fmt, markdownTable, measure, median, type BenchRecord, type SamplePlan, type Timing } from '@crossmodal/bench';
