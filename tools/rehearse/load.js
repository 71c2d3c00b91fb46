#!/usr/bin/env node
// Sends N HTTP/1.1 requests from the namespace it runs in and prints what answered, as JSON:
// { results: [{ status, service, task }], errors: { message: count } }. The stand-in
// applications name their service and task in each answer (standin.js); anything else that
// answers (Envoy's own 404 or 503) has service null.
//   node load.js METHOD URL COUNT [name:value ...]
// With LOAD_RPS set, requests start at that rate (one worker per request in flight), as
// steady traffic would; without it, four workers send as fast as answers come.
"use strict";
const http = require("http");
const https = require("https");
const fs = require("fs");

const [method, url, countText, ...headerArgs] = process.argv.slice(2);
const count = Number(countText || 1);
const headers = Object.fromEntries(headerArgs.map((h) => [h.slice(0, h.indexOf(":")).trim(), h.slice(h.indexOf(":") + 1).trim()]));
// https: the server's certificate is checked against LOAD_CA_FILE (the rehearsal's test CA).
const secure = url.startsWith("https:");
const agent = secure
  ? new https.Agent({ keepAlive: true, maxSockets: 4, ca: process.env.LOAD_CA_FILE ? fs.readFileSync(process.env.LOAD_CA_FILE) : undefined, servername: process.env.LOAD_SERVERNAME || undefined })
  : new http.Agent({ keepAlive: true, maxSockets: 4 });
const results = [];
const errors = {};
const deadline = Date.now() + 60000;

function one() {
  return new Promise((resolve) => {
    const req = (secure ? https : http).request(url, { method, headers, agent, timeout: 20000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        let parsed = {};
        try { parsed = JSON.parse(body); } catch { /* not a stand-in */ }
        results.push({ status: res.statusCode, service: parsed.service ?? null, task: parsed.task ?? null, server: res.headers.server ?? null });
        resolve();
      });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => { errors[e.code || e.message] = (errors[e.code || e.message] || 0) + 1; resolve(); });
    req.end();
  });
}

(async () => {
  let sent = 0;
  const rps = Number(process.env.LOAD_RPS || 0);
  if (rps > 0) {
    const inFlight = [];
    const t0 = Date.now();
    for (; sent < count; sent++) {
      const wait = t0 + (sent * 1000) / rps - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(one());
    }
    await Promise.all(inFlight);
  } else {
    const worker = async () => { while (sent < count && Date.now() < deadline) { sent++; await one(); } };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }
  process.stdout.write(JSON.stringify({ results, errors }) + "\n");
  agent.destroy();
})();
