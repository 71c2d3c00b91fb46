/**
 * A throwaway certificate authority for tests that load or serve TLS with real Envoy: one CA,
 * and leaf certificates with the subject alternative names asked for. Made with openssl in a
 * temporary folder, once per name per process.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Leaf { chain: string; key: string; chainFile: string; keyFile: string }

let dir: string | undefined;
const leaves = new Map<string, Leaf>();
const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });

/** The folder holding ca.pem and the leaves; made on first use. */
export function pkiDir(): string {
  if (dir) return dir;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-pki-"));
  process.on("exit", () => fs.rmSync(dir!, { recursive: true, force: true }));
  ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=fargate-mesh test CA",
    "-keyout", "ca.key", "-out", "ca.pem");
  return dir;
}

export const caFile = () => path.join(pkiDir(), "ca.pem");
export const caPem = () => fs.readFileSync(caFile(), "utf8");

/** A leaf certificate for `name` (also its SAN, as a DNS name), signed by the test CA. */
export function leaf(name: string): Leaf {
  const known = leaves.get(name);
  if (known) return known;
  const d = pkiDir();
  const base = name.replace(/[^a-z0-9.-]/gi, "_");
  fs.writeFileSync(path.join(d, `${base}.ext`), `subjectAltName=DNS:${name}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", `/CN=${name}`, "-keyout", `${base}.key`, "-out", `${base}.csr`);
  ssl("x509", "-req", "-in", `${base}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", `${base}.ext`, "-out", `${base}.pem`);
  const l = { chainFile: path.join(d, `${base}.pem`), keyFile: path.join(d, `${base}.key`), chain: "", key: "" };
  l.chain = fs.readFileSync(l.chainFile, "utf8");
  l.key = fs.readFileSync(l.keyFile, "utf8");
  leaves.set(name, l);
  return l;
}

/**
 * What ECS puts into the Envoy container's environment from its `secrets`: each variable
 * (tls.ts names them by role) filled with PEM for `name`'s certificate, key or the CA.
 */
export function secretValues(secrets: { name: string }[] | undefined, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name: v } of secrets ?? []) {
    if (v.endsWith("_CERTIFICATE_CHAIN")) out[v] = leaf(name).chain;
    else if (v.endsWith("_PRIVATE_KEY")) out[v] = leaf(name).key;
    else if (v.endsWith("_TRUSTED_CA")) out[v] = caPem();
  }
  return out;
}
