#!/usr/bin/env node
// The rehearsal's stand-in for an application container: small, no dependencies.
//
// It listens on the container's ports (STANDIN_PORTS: "80/http,9000/grpc,5432/tcp") and
// answers every request with JSON naming its service, its task and the headers it received.
// `GET /call?url=<url>` (add `&h2=1` for an HTTP/2 target) makes it call that URL itself, so
// east-west traffic leaves its network namespace and is intercepted like an application's.
// TCP ports answer one line, `<service> <task>`, to whatever they receive. gRPC ports also
// answer gRPC's health protocol (grpc.health.v1.Health/Check), which Envoy's gRPC health checks
// ask: SERVING, or NOT_SERVING while told to fail with a 5xx.
//
// It is told to misbehave on stdin, one JSON object per line, each replacing the last:
//   {"status": 503}        answer every request with this status
//   {"status": 503, "times": 1}   only the next N requests, then healthy again
//   {"status": 503, "path": "/x"}  only requests whose path starts with /x (not health checks)
//   {"delayMs": 3000}      answer after a delay
//   {"reset": true}        reset each connection instead of answering
//   {"stop": true}         close the ports (connections refused), as a crashed process
//   {}                     back to normal
//   {"stopDelayMs": 2000}  on SIGTERM, go on serving this long before exiting (not a mode)
// and answers {"report": true} with one line of JSON: requests counted per path.
"use strict";
const http = require("http");
const http2 = require("http2");
const net = require("net");
const readline = require("readline");

const service = process.env.STANDIN_SERVICE || "app";
const task = process.env.STANDIN_TASK || String(process.pid);
const ports = (process.env.STANDIN_PORTS || "80/http").split(",").filter(Boolean).map((p) => {
  const [port, protocol] = p.split("/");
  return { port: Number(port), protocol: protocol || "http" };
});

let mode = {};
const protocolOf = Object.fromEntries(ports.map((p) => [p.port, p.protocol]));
const counts = {};
const servers = [];

function call(url, h2, done) {
  const fail = (e) => done(502, { error: String(e.message || e) });
  try {
    if (h2) {
      const u = new URL(url);
      const client = http2.connect(u.origin);
      client.on("error", fail);
      const req = client.request({ ":path": u.pathname + u.search, ":method": "GET" });
      let body = "", status = 0;
      req.on("response", (h) => (status = h[":status"]));
      req.on("data", (d) => (body += d));
      req.on("end", () => { client.close(); done(200, { status, body: parse(body) }); });
      req.on("error", fail);
      req.end();
      return;
    }
    const req = http.get(url, { timeout: 20000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => done(200, { status: res.statusCode, headers: res.headers, body: parse(body) }));
    });
    req.on("error", fail);
    req.on("timeout", () => req.destroy(new Error("timeout")));
  } catch (e) { fail(e); }
}

const parse = (s) => { try { return JSON.parse(s); } catch { return s; } };

/** The misbehaviour that applies to a request on `path`, counting it against `times`. */
function modeFor(path) {
  if (mode.path && !path.startsWith(mode.path)) return {};
  const m = mode;
  if (m.times !== undefined && --m.times <= 0) mode = {};
  return m;
}

const GRPC_HEALTH = "/grpc.health.v1.Health/Check";

/** HealthCheckResponse { status: SERVING (1) | NOT_SERVING (2) } in one uncompressed gRPC frame. */
function grpcHealth(res, serving) {
  const message = Buffer.from([0x08, serving ? 1 : 2]);
  const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
  res.writeHead(200, { "content-type": "application/grpc" });
  res.addTrailers({ "grpc-status": "0" });
  res.end(frame);
}

function handle(port, req, res) {
  const path = req.url || req.headers[":path"] || "/";
  counts[path] = (counts[path] || 0) + 1;
  if (path === GRPC_HEALTH && protocolOf[port] === "grpc") { grpcHealth(res, !(mode.status >= 500 && !mode.path)); return; }
  const m = modeFor(path);
  if (m.reset) { req.socket.destroy(); return; }
  const answer = () => {
    const u = new URL(path, "http://x");
    if (u.pathname === "/call" && u.searchParams.get("url")) {
      call(u.searchParams.get("url"), u.searchParams.get("h2") === "1", (status, body) => send(res, status, { service, task, via: body }));
      return;
    }
    const status = m.status || 200;
    const headers = { ...req.headers };
    send(res, status, { service, task, port, method: req.method, path, headers });
  };
  if (m.delayMs) setTimeout(answer, m.delayMs); else answer();
}

function send(res, status, body) {
  // No content at all where HTTP says a status has none (a length there is a protocol error).
  if (status === 204 || status === 304) { res.writeHead(status); res.end(); return; }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function listen() {
  for (const { port, protocol } of ports) {
    let server;
    if (protocol === "tcp") server = net.createServer((s) => { s.on("error", () => {}); s.on("data", () => s.write(`${service} ${task}\n`)); });
    else if (protocol === "http2" || protocol === "grpc") server = http2.createServer((req, res) => handle(port, req, res));
    else server = http.createServer((req, res) => handle(port, req, res));
    server.on("error", (e) => { process.stderr.write(`standin ${service}: port ${port}: ${e.message}\n`); process.exit(1); });
    server.listen(port, "0.0.0.0");
    servers.push(server);
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let msg;
  try { msg = JSON.parse(line); } catch { return; }
  if (msg.stopDelayMs !== undefined) { stopDelayMs = msg.stopDelayMs; return; }
  if (msg.report) { process.stdout.write(JSON.stringify({ report: counts }) + "\n"); return; }
  if (msg.stop) { for (const s of servers.splice(0)) { s.close(); if (s.closeAllConnections) s.closeAllConnections(); } mode = {}; return; }
  if (!servers.length && !msg.stop) listen();
  mode = msg;
});

// {"stopDelayMs": 2000}: on SIGTERM, keep serving that long before exiting (finishing in-flight work).
let stopDelayMs = 0;
process.on("SIGTERM", () => setTimeout(() => process.exit(0), stopDelayMs));
listen();
process.stdout.write(JSON.stringify({ listening: ports }) + "\n");
