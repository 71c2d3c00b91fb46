import { validateBootstrap } from "../tools/envoy/validate";
import { re2Problem } from "../model/re2";
const ENVOY = "/work/main/.cache/envoy/1.40.0/envoy/_bin/envoy";
const boot = (re: string) => ({
  admin: { address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } },
  static_resources: { listeners: [{ name: "l", address: { socket_address: { address: "127.0.0.1", port_value: 10000 } }, filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", stat_prefix: "x", http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }], route_config: { virtual_hosts: [{ name: "v", domains: ["*"], routes: [{ match: { prefix: "/", headers: [{ name: "x-canary", string_match: { safe_regex: { regex: re } } }] }, direct_response: { status: 200 } }] }] } } }] }] }] },
});
const pats = process.argv.slice(2).length ? process.argv.slice(2) : ["^canary-[0-9]+$", "(?i)beta", "a(?=b)", "(a)\\1", "(?<!x)y", "a*+", "a**", "(?P<n>x)y", "(?<n>x)", "\\d{2,4}", "[[:alpha:]]+", "\\pL+", "a{1001}", "a{60}", "a{100}", "a{93}", "a{94}", "x{20}y{20}z{20}", "(ab|cd|ef){10}", "[z-a]", "(abc", "abc)", "\\Z", "\\e", "\\Qa.b\\E", "(?>a)", "(?i:Foo)", ".*", "\\x41\\x{263a}", "[\\d-z]", "a{,3}", "(?s).", "\\C", "[\\b]", "\\b", "(?-i)x", "(?U)a+", "a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z|A|B|C|D|E|F|G|H|I|J|K|L|M|N|O|P|Q", "(((((((((((a)))))))))))", "[a-z]{10}[0-9]{10}", "\\01", "x{2}{3}"];
(async () => {
  for (const p of pats) {
    const v = await validateBootstrap(ENVOY, boot(p));
    const m = re2Problem(p);
    console.log((v.ok === (m === undefined) ? "agree   " : "DISAGREE"), JSON.stringify(p).padEnd(30), "envoy:", v.ok ? "ok" : v.problems.join(" ").replace(/.*runtime.json.: /, "").slice(0, 300), "| model:", m ?? "ok");
  }
})();
