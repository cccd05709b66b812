// The native backend's bench suites, for the combined bench (tools/bench-suite) and bench/run.ts.
export { ATTENTION, ATTENTION_CASE, NATIVE_FW, OPENBLAS_C_FW, benchMatmulCases, runNativeAttention, runNativeMatmul, runNativeVit } from './native.suite.ts';
