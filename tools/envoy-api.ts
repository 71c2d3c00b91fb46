/**
 * Checks generated Envoy configuration against Envoy's own API definitions, since no Envoy
 * binary runs here. The protos (Envoy's data-plane-api, xDS, googleapis, protoc-gen-validate)
 * ship in the npm package @grpc/grpc-js-xds; `buf` (npm @bufbuild/buf, with its binary) compiles
 * them into a descriptor set, cached per package version; @bufbuild/protobuf then decodes the
 * JSON strictly: an unknown field, a misspelled enum, a malformed duration or an unknown `@type`
 * is an error. On top of that this module applies the protoc-gen-validate rules of those protos
 * that configuration can break (required fields and oneofs, string lengths, number ranges, item
 * counts) and rejects fields marked deprecated, which a later Envoy may remove.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createFileRegistry, fromBinary, fromJson, getExtension, hasExtension, toJson } from "@bufbuild/protobuf";
import type { DescExtension, DescField, DescMessage, FileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";

/** The proto files whose messages generated bootstraps use (imports come along). */
const ROOTS = [
  "envoy/config/bootstrap/v3/bootstrap.proto",
  "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
  "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto",
  "envoy/extensions/filters/http/router/v3/router.proto",
  "envoy/extensions/filters/listener/original_dst/v3/original_dst.proto",
  "envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto",
  "envoy/extensions/access_loggers/stream/v3/stream.proto",
  "envoy/extensions/transport_sockets/tls/v3/tls.proto",
  "envoy/extensions/upstreams/http/v3/http_protocol_options.proto",
  "envoy/config/trace/v3/xray.proto",
  "envoy/extensions/filters/http/health_check/v3/health_check.proto",
];

const XDS = path.dirname(require.resolve("@grpc/grpc-js-xds/package.json"));
const BUF = require.resolve("@bufbuild/buf/bin/buf");

/** Builds (or reads the cached) descriptor set of Envoy's API. */
export function envoyDescriptorSet(): Uint8Array {
  const versions = [require("@grpc/grpc-js-xds/package.json").version, require("@bufbuild/buf/package.json").version].join("-");
  const cache = path.join(os.tmpdir(), `fargate-mesh-envoy-api-${versions}-${ROOTS.length}.binpb`);
  if (fs.existsSync(cache)) return fs.readFileSync(cache);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "fm-envoy-api-"));
  try {
    for (const m of ["envoy-api", "xds", "googleapis"]) fs.symlinkSync(path.join(XDS, "deps", m), path.join(work, m));
    // The vendored validate.proto predates `StringRules.ignore_empty` (field 26 upstream), which
    // Envoy's protos use; add it, so that buf's strict compiler accepts them.
    fs.mkdirSync(path.join(work, "pgv", "validate"), { recursive: true });
    const pgv = fs.readFileSync(path.join(XDS, "deps", "protoc-gen-validate", "validate", "validate.proto"), "utf8");
    const patched = pgv.includes("ignore_empty") ? pgv
      : pgv.replace(/(optional bool strict = 25 \[default = true\];\r?\n)/, "$1\n  optional bool ignore_empty = 26;\n");
    fs.writeFileSync(path.join(work, "pgv", "validate", "validate.proto"), patched);
    fs.writeFileSync(path.join(work, "buf.yaml"), "version: v2\nmodules:\n  - path: envoy-api\n  - path: xds\n  - path: googleapis\n  - path: pgv\n");
    const out = path.join(work, "envoy.binpb");
    execFileSync(process.execPath, [BUF, "build", "-o", out, ...ROOTS.flatMap((r) => ["--path", `envoy-api/${r}`])], { cwd: work, stdio: "pipe" });
    fs.renameSync(out, `${cache}.${process.pid}`);
    fs.renameSync(`${cache}.${process.pid}`, cache);
    return fs.readFileSync(cache);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

let registry: FileRegistry | undefined;
function envoyRegistry(): FileRegistry {
  registry ??= createFileRegistry(fromBinary(FileDescriptorSetSchema, envoyDescriptorSet()));
  return registry;
}

/**
 * Every problem Envoy's API definitions find in a bootstrap, as `path: problem` lines, plus the
 * checks Envoy itself makes when it loads static resources: listener and cluster names are
 * unique, a listener has a filter chain (or a default one), and every cluster a route or TCP
 * proxy names exists (static route tables validate their clusters).
 */
export function checkEnvoyBootstrap(json: unknown): string[] {
  const problems = checkEnvoyMessage("envoy.config.bootstrap.v3.Bootstrap", json);
  return problems.length ? problems : loadTimeChecks(json as any);
}

function loadTimeChecks(b: any): string[] {
  const problems: string[] = [];
  const listeners: any[] = b.static_resources?.listeners ?? [];
  const clusters: any[] = b.static_resources?.clusters ?? [];
  const dupes = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
  for (const n of dupes(listeners.map((l) => l.name))) problems.push(`static_resources.listeners: name ${n} is used twice`);
  for (const n of dupes(clusters.map((c) => c.name))) problems.push(`static_resources.clusters: name ${n} is used twice`);
  const known = new Set(clusters.map((c) => c.name));
  for (const l of listeners) {
    if (!(l.filter_chains ?? []).length && !l.default_filter_chain) problems.push(`listener ${l.name}: has no filter chains`);
    // Walk the listener for every cluster it names.
    const visit = (x: any): void => {
      if (Array.isArray(x)) return x.forEach(visit);
      if (!x || typeof x !== "object") return;
      for (const [k, v] of Object.entries(x)) {
        if (k === "cluster" && typeof v === "string" && !known.has(v)) problems.push(`listener ${l.name}: names unknown cluster ${v}`);
        if (k === "clusters" && Array.isArray(v)) for (const c of v) if (typeof c?.name === "string" && !known.has(c.name)) problems.push(`listener ${l.name}: names unknown cluster ${c.name}`);
        visit(v);
      }
    };
    visit(l);
  }
  return problems;
}

export function checkEnvoyMessage(typeName: string, json: unknown): string[] {
  const reg = envoyRegistry();
  const schema = reg.getMessage(typeName);
  if (!schema) return [`${typeName}: not in Envoy's API`];
  try {
    fromJson(schema, json as any, { registry: reg });
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  new RuleWalker(reg, problems).message(schema, json as Record<string, unknown>, "");
  return problems;
}

const WRAPPERS = /^google\.protobuf\.(U?Int(32|64)|Double|Float|Bool|String|Bytes)Value$/;

/** Applies the protoc-gen-validate rules (and the deprecation marks) along a JSON document. */
class RuleWalker {
  private readonly fieldRules: DescExtension;
  private readonly oneofRequired: DescExtension;
  constructor(private readonly reg: FileRegistry, private readonly problems: string[]) {
    this.fieldRules = reg.getExtension("validate.rules")!;
    this.oneofRequired = reg.getExtension("validate.required")!;
  }

  message(desc: DescMessage, json: Record<string, unknown>, at: string): void {
    if (desc.typeName === "google.protobuf.Any") {
      const inner = this.reg.getMessage(String(json["@type"]).replace(/^.*\//, ""));
      const { "@type": _t, ...rest } = json;
      if (inner) this.message(inner, rest, at);
      return;
    }
    if (desc.typeName.startsWith("google.protobuf.")) return; // Duration, Struct, wrappers: checked by fromJson
    const present = new Map<DescField, unknown>();
    for (const [k, v] of Object.entries(json)) {
      const f = desc.fields.find((x) => x.name === k || x.jsonName === k);
      if (f && v !== null) present.set(f, v);
    }
    for (const oneof of desc.oneofs)
      if (hasExtension(oneof.proto.options ?? ({} as any), this.oneofRequired) && getExtension(oneof.proto.options!, this.oneofRequired) && !oneof.fields.some((f) => present.has(f)))
        this.problems.push(`${at || desc.typeName}: one of ${oneof.fields.map((f) => f.name).join(", ")} is required`);
    for (const f of desc.fields) {
      const p = at ? `${at}.${f.name}` : f.name;
      const v = present.get(f);
      if (v !== undefined && f.deprecated) this.problems.push(`${p}: is deprecated in Envoy's API`);
      const rules = this.rulesOf(f);
      // A required member of a oneof is required only when that member is the one chosen.
      if (rules?.message?.required && v === undefined && !f.oneof) this.problems.push(`${p}: is required`);
      if (v === undefined) continue;
      this.field(f, v, rules, p);
    }
  }

  /** The field's validate.rules as JSON: only the rules that are set (validate.proto is proto2). */
  private rulesOf(f: DescField): any {
    const opts = f.proto.options;
    if (!opts || !hasExtension(opts, this.fieldRules)) return undefined;
    return toJson(this.fieldRules.message!, getExtension(opts, this.fieldRules) as any, { registry: this.reg });
  }

  private field(f: DescField, v: unknown, rules: any, p: string): void {
    if (f.fieldKind === "list") {
      const items = v as unknown[];
      const r = rules?.repeated;
      if (r?.minItems !== undefined && items.length < Number(r.minItems)) this.problems.push(`${p}: must have at least ${r.minItems} item(s)`);
      if (r?.maxItems !== undefined && items.length > Number(r.maxItems)) this.problems.push(`${p}: must have at most ${r.maxItems} item(s)`);
      items.forEach((x, i) => this.value(f, x, r?.items, `${p}[${i}]`));
      return;
    }
    if (f.fieldKind === "map") {
      const r = rules?.map;
      const entries = Object.entries(v as object);
      if (r?.minPairs !== undefined && entries.length < Number(r.minPairs)) this.problems.push(`${p}: must have at least ${r.minPairs} entries`);
      if (f.mapKind === "message") for (const [k, x] of entries) this.message(f.message, x as any, `${p}.${k}`);
      return;
    }
    this.value(f, v, rules, p);
  }

  private value(f: DescField, v: unknown, rules: any, p: string): void {
    const msg = f.fieldKind === "list" ? f.message : f.fieldKind === "message" ? f.message : undefined;
    if (msg && !WRAPPERS.test(msg.typeName) && msg.typeName !== "google.protobuf.Duration") {
      this.message(msg, v as Record<string, unknown>, p);
      return;
    }
    if (!rules) return;
    const fail = (m: string) => this.problems.push(`${p}: ${m}, got ${JSON.stringify(v)}`);
    const str = rules.string;
    if (str && typeof v === "string") {
      if (str.minLen !== undefined && [...v].length < Number(str.minLen)) fail(`must have at least ${str.minLen} character(s)`);
      if (str.maxLen !== undefined && [...v].length > Number(str.maxLen)) fail(`must have at most ${str.maxLen} character(s)`);
      if (str.minBytes !== undefined && Buffer.byteLength(v) < Number(str.minBytes)) fail(`must have at least ${str.minBytes} byte(s)`);
      if (str.maxBytes !== undefined && Buffer.byteLength(v) > Number(str.maxBytes)) fail(`must have at most ${str.maxBytes} byte(s)`);
      if (str.prefix !== undefined && !v.startsWith(str.prefix)) fail(`must start with ${str.prefix}`);
      return;
    }
    if (rules.duration && typeof v === "string") {
      const secs = Number(v.replace(/s$/, ""));
      const d = (x: string | undefined) => (x === undefined ? undefined : Number(x.replace(/s$/, "")));
      const r = rules.duration;
      const [gt, gte, lt, lte] = [d(r.gt), d(r.gte), d(r.lt), d(r.lte)];
      if (gt !== undefined && !(secs > gt)) fail(`must be longer than ${gt}s`);
      if (gte !== undefined && !(secs >= gte)) fail(`must be at least ${gte}s`);
      if (lt !== undefined && !(secs < lt)) fail(`must be shorter than ${lt}s`);
      if (lte !== undefined && !(secs <= lte)) fail(`must be at most ${lte}s`);
      return;
    }
    const b = rules.uint32 ?? rules.int32 ?? rules.uint64 ?? rules.int64 ?? rules.double ?? rules.float;
    if (b && (typeof v === "number" || typeof v === "string")) {
      const n = Number(v);
      const num = (x: unknown) => (x === undefined ? undefined : Number(x));
      if (num(b.gt) !== undefined && !(n > num(b.gt)!)) fail(`must be greater than ${b.gt}`);
      if (num(b.gte) !== undefined && !(n >= num(b.gte)!)) fail(`must be at least ${b.gte}`);
      if (num(b.lt) !== undefined && !(n < num(b.lt)!)) fail(`must be less than ${b.lt}`);
      if (num(b.lte) !== undefined && !(n <= num(b.lte)!)) fail(`must be at most ${b.lte}`);
      if (b.const !== undefined && n !== Number(b.const)) fail(`must be ${b.const}`);
      return;
    }
    if (rules.enum?.definedOnly && f.fieldKind === "enum" && !f.enum.values.some((x) => x.name === v || x.number === v)) fail("must be a defined value");
  }
}
