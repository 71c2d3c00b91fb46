/**
 * Access-log formats that would write credentials into CloudWatch Logs, where everyone who may
 * read the logs could replay them. Envoy's format commands name headers in %REQ(h)%,
 * %RESP(h)%, %TRAILER(h)% (`h?fallback` and `:max-length` included), in any letter case.
 */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token", "x-amz-security-token"];
const HEADER_COMMAND = /%(REQ|RESP|TRAILER|REQ_WITHOUT_QUERY)\(([^)]*)\)(:\d+)?%/g;

/** The credential headers a format writes, as the commands that write them. */
export function credentialCommands(format: string): string[] {
  const out: string[] = [];
  for (const m of format.matchAll(HEADER_COMMAND)) {
    const names = m[2].split("?").map((n) => n.trim().toLowerCase());
    if (names.some((n) => CREDENTIAL_HEADERS.includes(n))) out.push(m[0]);
  }
  return out;
}

export const credentialError = (format: string) =>
  `writes credentials into the access log (${credentialCommands(format).join(", ")}): anyone who may read the logs could use them; remove ${credentialCommands(format).length > 1 ? "them" : "it"}`;
