#!/usr/bin/env node
// Sends N HTTP/1.1 requests from the namespace it runs in and prints what answered, as JSON:
// { results: [{ status, service, task }], errors: { message: count } }. The stand-in
// applications name their service and task in each answer (standin.js); anything else that
// answers (Envoy's own 404 or 503) has service null.
//   node load.js METHOD URL COUNT [name:value ...]
// With LOAD_RPS set, requests start at that rate (one worker per request in flight), as
// steady traffic would; without it, four workers send as fast as answers come.
// LOAD_H2=1 speaks HTTP/2 without TLS (prior knowledge, as a gRPC client does); LOAD_PROXY
// (an application's HTTP_PROXY) sends each request to that proxy with the absolute URL.
// METHOD TCP with a tcp://host:port URL opens a connection per request, sends a line and reads
// the stand-in's one-line answer (`<service> <task>`).
"use strict";
const http = require("http");
const http2 = require("http2");
const https = require("https");
const fs = require("fs");
const net = require("net");

const [method, url, countText, ...headerArgs] = process.argv.slice(2);
const count = Number(countText || 1);
const headers = Object.fromEntries(headerArgs.map((h) => [h.slice(0, h.indexOf(":")).trim(), h.slice(h.indexOf(":") + 1).trim()]));
// https: the server's certificate is checked against LOAD_CA_FILE (the rehearsal's test CA).
const secure = url.startsWith("https:");
const rps = Number(process.env.LOAD_RPS || 0);
// At a steady rate every request in flight has its own connection, as a busy application's pool
// would: four would queue the rest inside this process, and the mesh would never see the load.
const maxSockets = rps > 0 ? Infinity : 4;
const agent = secure
  ? new https.Agent({ keepAlive: true, maxSockets, ca: process.env.LOAD_CA_FILE ? fs.readFileSync(process.env.LOAD_CA_FILE) : undefined, servername: process.env.LOAD_SERVERNAME || undefined })
  : new http.Agent({ keepAlive: true, maxSockets });
const results = [];
const errors = {};
const deadline = Date.now() + 60000;

const record = (status, body, server) => {
  let parsed = {};
  try { parsed = JSON.parse(body); } catch { /* not a stand-in */ }
  results.push({ status, service: parsed.service ?? null, task: parsed.task ?? null, server: server ?? null, path: parsed.path, headers: parsed.headers });
};
const failed = (e) => { errors[e.code || e.message] = (errors[e.code || e.message] || 0) + 1; };

let session;
function oneH2() {
  return new Promise((resolve) => {
    const u = new URL(url);
    if (!session || session.closed || session.destroyed) { session = http2.connect(u.origin); session.on("error", () => {}); }
    const req = session.request({ ":method": method, ":path": u.pathname + u.search, ...headers });
    let status = 0, server, body = "";
    req.setTimeout(20000, () => req.close(http2.constants.NGHTTP2_CANCEL));
    req.on("response", (h) => { status = h[":status"]; server = h.server; });
    req.on("data", (d) => (body += d));
    req.on("end", () => { record(status, body, server); resolve(); });
    req.on("error", (e) => { failed(e); session = undefined; resolve(); });
    req.end();
  });
}

function oneTcp() {
  return new Promise((resolve) => {
    const u = new URL(url);
    const s = net.connect(Number(u.port), u.hostname);
    let buf = "", done = false;
    const finish = (f) => { if (!done) { done = true; f(); resolve(); } };
    s.setTimeout(20000, () => s.destroy(new Error("timeout")));
    s.on("connect", () => s.write("hello\n"));
    s.on("data", (d) => {
      buf += d;
      if (buf.includes("\n")) finish(() => { const [service, task] = buf.trim().split(" "); results.push({ status: 200, service, task, server: null }); s.end(); });
    });
    s.on("error", (e) => finish(() => failed(e)));
    s.on("close", () => finish(() => failed({ code: "closed without an answer" })));
  });
}

function one() {
  if (method === "TCP") return oneTcp();
  if (process.env.LOAD_H2) return oneH2();
  return new Promise((resolve) => {
    const proxy = process.env.LOAD_PROXY && new URL(process.env.LOAD_PROXY);
    const target = proxy ? { host: proxy.hostname, port: proxy.port, path: url, headers: { ...headers, host: new URL(url).host } } : {};
    const options = { method, headers, agent, timeout: 20000, ...target };
    const mod = secure ? https : http;
    const req = (proxy ? (cb) => mod.request(options, cb) : (cb) => mod.request(url, options, cb))((res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => { record(res.statusCode, body, res.headers.server); resolve(); });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => { failed(e); resolve(); });
    req.end();
  });
}

(async () => {
  let sent = 0;
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
  if (session) session.close();
})();
