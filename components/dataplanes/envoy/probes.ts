/**
 * Requests to Envoy on the task's loopback, in bash only (the upstream Envoy image has bash but
 * no curl, and application images may have neither).
 *
 * HTTP/1.1 with a Host header and `Connection: close`: Envoy's HTTP/1 codec, the admin
 * interface's included, answers HTTP/1.0 with 426 Upgrade Required, and HTTP/1.1 without Host
 * with 400. Each request succeeds only on a 200 status line (which ends in `\r`, hence the
 * spaces around the code).
 */
export const loopbackRequest = (method: "GET" | "POST", port: number, path: string, fd = 3) =>
  `exec ${fd}<>/dev/tcp/127.0.0.1/${port} && printf '${method} ${path} HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&${fd} && head -n 1 <&${fd} | grep -q ' 200 '`;

export const loopbackGetOk = (port: number, path: string, fd = 3) => loopbackRequest("GET", port, path, fd);

/** A word quoted for bash: single quotes, each `'` inside written as `'\''`. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `GET <path>` to an application on the task's loopback, in bash only: exit status 0 only when
 * the status line is HTTP/1.x with a status in `[start, end)` (as Envoy's expected_statuses
 * range). The path goes in as printf's argument, never its format, so a `%` or `\` in it is sent
 * as written; a status line without a reason phrase (`HTTP/1.1 204\r`) counts too.
 */
export const loopbackGetStatusIn = (port: number, path: string, statuses: { start: number; end: number }, fd = 3) =>
  `exec ${fd}<>/dev/tcp/127.0.0.1/${port} && printf 'GET %s HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' ${shellQuote(path)} >&${fd}`
  + ` && read -r proto code _ <&${fd} && code=\${code%$'\\r'} && [[ $proto == HTTP/1.* && $code =~ ^[0-9]{3}$ ]] && (( code >= ${statuses.start} && code < ${statuses.end} ))`;

/** A TCP connect to a port on the task's loopback: exit status 0 when something accepts it. */
export const loopbackConnects = (port: number, fd = 3) => `exec ${fd}<>/dev/tcp/127.0.0.1/${port}`;
