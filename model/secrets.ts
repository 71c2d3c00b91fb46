/**
 * Environment variables that look like credentials, by their name or by their value. Shared by
 * the description's validation, the diff tools (which redact them) and the policy pack (Trivy
 * AWS-0036), which keeps a byte-identical copy in policy/secrets.ts so that it stays
 * self-contained: such values belong in `secrets`, never in `environment`. No imports, so the
 * copy needs nothing else.
 */
export const SECRET_NAME = /(password|passwd|secret|token|api_?key|private_?key|credential)/i;

/** AWS access key ids: long-term (AKIA) and temporary (ASIA), 20 characters. */
const AWS_KEY_ID = /(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/;
/** `aws_secret_access_key = …` (or `secret_key: …`) written inside a value, with its 40 characters. */
const AWS_SECRET_IN_TEXT = /secret_?(access_?)?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/i;
/** A value that is exactly an AWS secret access key: 40 characters of base64. */
const AWS_SECRET = /^[A-Za-z0-9/+]{40}$/;
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/;
/**
 * `scheme://user:password@host`, the user possibly empty (`redis://:password@host`). Found from
 * each `://` rather than by one regular expression, which would take quadratic time on a long
 * value without one.
 */
function urlWithPassword(value: string): boolean {
  for (let at = value.indexOf("://"); at > 0; at = value.indexOf("://", at + 3)) {
    if (!/[A-Za-z][A-Za-z0-9+.-]*$/.test(value.slice(Math.max(0, at - 32), at))) continue;
    const authority = /^[^\s/?#]*/.exec(value.slice(at + 3, at + 3 + 2048))![0];
    const userinfo = authority.slice(0, Math.max(0, authority.lastIndexOf("@")));
    if (userinfo.indexOf(":") >= 0 && userinfo.indexOf(":") < userinfo.length - 1) return true;
  }
  return false;
}

/**
 * Shannon entropy per character, in bits: random base64 has close to 6 over long strings (4.0
 * and more over 32 characters), random hex close to 4 (3.0 and more over 32), words far less.
 */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/**
 * The share of characters that belong to words (`Production`, `share`, `HTTP`): a random token
 * has few (over 0.75 in fewer than 1 in 10,000 random 32-character base64 strings), while
 * CamelCase names and paths, whose entropy can reach a token's, are mostly words.
 */
function wordShare(s: string): number {
  let n = 0;
  for (const m of s.matchAll(/[A-Z]?[a-z]{3,}|[A-Z]{4,}/g)) n += m[0].length;
  return n / s.length;
}

/** The shortest run of base64 or hex characters taken for a token: shorter ones are ids and names. */
export const TOKEN_MIN_LENGTH = 32;

function highEntropyToken(value: string): boolean {
  // base64 and base64url runs (a JWT's parts are such runs between dots).
  for (const m of value.matchAll(/[A-Za-z0-9+/_-]{32,}={0,2}/g)) {
    const t = m[0].replace(/=+$/, "");
    // Both cases: lower-case runs are paths, names and hex (judged below), upper-case ones constants.
    if (t.length < TOKEN_MIN_LENGTH || !/[A-Z]/.test(t) || !/[a-z]/.test(t)) continue;
    if (entropy(t) >= 3.9 && wordShare(t) < 0.75) return true;
  }
  // hex runs: digests (`sha256:…`) and a value that is exactly a git commit id (40 hex) are not secrets.
  if (/^[0-9a-f]{40}$/i.test(value)) return false;
  for (const m of value.matchAll(/(?<![0-9A-Za-z])(?<!(sha\d*|md5):)[0-9a-fA-F]{32,}(?![0-9A-Za-z])/g)) {
    const t = m[0];
    if (/[0-9]/.test(t) && /[a-f]/i.test(t) && entropy(t) >= 2.9) return true;
  }
  return false;
}

/**
 * What a value looks like when it looks like a credential ("an AWS access key id"), or
 * undefined. `name` is the variable's name, which tells a 40-character AWS secret key from
 * other base64 of that length.
 */
export function credentialInValue(value: string, name = ""): string | undefined {
  if (AWS_KEY_ID.test(value)) return "an AWS access key id";
  if (AWS_SECRET_IN_TEXT.test(value) || (AWS_SECRET.test(value) && /aws|secret|key/i.test(name) && /[0-9]/.test(value) && /[A-Z]/.test(value)))
    return "an AWS secret access key";
  if (PEM_PRIVATE_KEY.test(value)) return "a PEM private key";
  if (urlWithPassword(value)) return "a URL with a password in it";
  if (highEntropyToken(value)) return "a random token (a key or password)";
  return undefined;
}

/** Why an environment variable looks secret, by its name or its value, or undefined. */
export function secretReason(name: string, value: unknown): string | undefined {
  if (SECRET_NAME.test(name)) return "its name says it is a credential";
  const what = typeof value === "string" ? credentialInValue(value, name) : undefined;
  return what && `its value looks like ${what}`;
}
