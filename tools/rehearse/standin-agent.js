// A stand-in for the AWS AppConfig Agent in a rehearsed task: its HTTP API on 127.0.0.1 (GET
// /applications/<app>/environments/<env>/configurations/<profile>), answering with the latest
// version "published" for that path, a file in FM_APPCONFIG_DIR that the rehearsal writes (as
// AppConfig would hold a deployed version). 404 when nothing is published. Nothing else.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");

const dir = process.env.FM_APPCONFIG_DIR;
const port = Number(process.env.HTTP_PORT || 2772);
const file = (p) => path.join(dir, encodeURIComponent(p));

const server = http.createServer((req, res) => {
  const url = req.url.split("?")[0];
  if (req.method !== "GET" || !url.startsWith("/applications/")) { res.writeHead(404).end(); return; }
  let body;
  try { body = fs.readFileSync(file(url)); } catch { res.writeHead(404).end(); return; }
  res.writeHead(200, { "content-type": "application/json", "configuration-version": String(fs.statSync(file(url)).mtimeMs) });
  res.end(body);
});
server.listen(port, "127.0.0.1");
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => { server.close(); process.exit(0); });
