#!/usr/bin/env node
// The bench's load generator: small, no dependencies. From the namespace it runs in, it keeps
// CONCURRENCY HTTP/1.1 keep-alive connections to URL busy (each sends its next request when the
// last answer ends: a closed loop), first for WARMUP seconds that are not recorded, then for
// SECONDS that are, and prints one line of JSON:
//   { requests, seconds, rps, latencyMs: { p50, p90, p99, max }, statuses, errors, viaEnvoy, completed }
// A request counts when it starts inside the recorded window; its latency is from writing the
// request to the end of the answer. `viaEnvoy` counts answers that carry Envoy's
// x-envoy-upstream-service-time header (a path with no Envoy has none); `completed` counts every
// answer, the warm-up's too (what the proxies' CPU time was spent on). Bounded in time, and in
// count (at most MAX_REQUESTS recorded).
//   node bench-load.js URL CONCURRENCY SECONDS WARMUP [name:value ...]
"use strict";
const http = require("http");

const [url, concurrencyText, secondsText, warmupText, ...headerArgs] = process.argv.slice(2);
const concurrency = Number(concurrencyText || 1);
const seconds = Number(secondsText || 1);
const warmup = Number(warmupText || 0);
const headers = Object.fromEntries(headerArgs.map((h) => [h.slice(0, h.indexOf(":")).trim(), h.slice(h.indexOf(":") + 1).trim()]));
const MAX_REQUESTS = 1_000_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = new Float64Array(MAX_REQUESTS);
let recorded = 0;
let viaEnvoy = 0;
let completed = 0;
const statuses = {};
const errors = {};

const now = () => Number(process.hrtime.bigint()) / 1e6;
const t0 = now();
const measureFrom = t0 + warmup * 1000;
const measureUntil = measureFrom + seconds * 1000;

function one() {
  return new Promise((resolve) => {
    const start = now();
    const counted = start >= measureFrom;
    const req = http.request(url, { headers, agent, timeout: 10000 }, (res) => {
      res.on("data", () => {});
      res.on("end", () => {
        completed++;
        if (counted && recorded < MAX_REQUESTS) {
          latencies[recorded++] = now() - start;
          statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
          if (res.headers["x-envoy-upstream-service-time"] !== undefined) viaEnvoy++;
        }
        resolve();
      });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => {
      if (counted) errors[e.code || e.message] = (errors[e.code || e.message] || 0) + 1;
      // An error answers at once: pause, so a refused connection does not spin the loop.
      setTimeout(resolve, 10);
    });
    req.end();
  });
}

async function worker() {
  while (now() < measureUntil && recorded < MAX_REQUESTS) await one();
}

/** The value below which `q` of the sorted values lie (nearest rank). */
const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);

(async () => {
  await Promise.all(Array.from({ length: concurrency }, worker));
  const sorted = latencies.slice(0, recorded).sort();
  const round = (x) => Math.round(x * 1000) / 1000;
  process.stdout.write(JSON.stringify({
    requests: recorded, seconds, rps: round(recorded / seconds),
    latencyMs: { p50: round(quantile(sorted, 0.5)), p90: round(quantile(sorted, 0.9)), p99: round(quantile(sorted, 0.99)), max: round(quantile(sorted, 1)) },
    statuses, errors, viaEnvoy, completed,
  }) + "\n");
  agent.destroy();
})();
