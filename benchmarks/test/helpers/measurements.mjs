// Measurements in the shape lib/measure.mjs resolves them, for the harness's unit tests.

/** A successful transfer measurement, as `measureTransfer` resolves it; `fields` override. */
export const ok = (fields = {}) => ({
  ok: true,
  problems: [],
  requests: 100,
  seconds: 5,
  requestsPerSecond: 1000,
  mbPerSecond: 50,
  latencyMs: { p50: 1.5, p99: 9 },
  command: 'wrk -t1 -c32 -d5s http://127.0.0.1:1234/4k.bin',
  cpuSeconds: 4,
  cpuPercent: 80,
  peakRssMiB: 90,
  rssAtStartMiB: 85,
  rssMethod: 'VmHWM after clear_refs',
  ...fields,
});

/** A machine-limit measurement, as `measureLimit` resolves it. */
export const limit = (mbPerSecond) => ({ ok: true, mbPerSecond, command: 'node benchmarks/lib/limits.mjs' });
