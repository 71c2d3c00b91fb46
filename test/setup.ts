// Shared mocha setup: Pulumi's runtime mocks are installed once, here, because the last
// `setMocks` call wins across files. Model tests do not touch Pulumi at all.
import { installMocks } from "../tools/mocks";
import { describeEnvoy, envoyBinary } from "../tools/envoy/binary";

installMocks();

// The real Envoy judges every generated configuration (test/envoy/). Found or installed before
// any test runs; without it the suite stops here with one line, it never skips those tests.
try {
  const envoy = envoyBinary();
  process.env.FARGATE_MESH_ENVOY = envoy.path;
  process.stderr.write(`fargate-mesh tests: ${describeEnvoy(envoy)}\n`);
} catch (e) {
  process.stderr.write(`fargate-mesh tests: ${(e as Error).message}\n`);
  process.exit(1);
}
