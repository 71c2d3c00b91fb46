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
