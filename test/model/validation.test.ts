import { strict as assert } from "assert";
import { ConfigError } from "../../model/errors";
import { loadMesh } from "../../model/load";
import { at, issues, withChange } from "../helpers";

type Case = [title: string, change: (t: any, e: any) => void, path: string, message: string];

const route = (e: any) => e.routers.colors.routes["color-route"];
const tRoute = (t: any) => t.routers.colors.routes["color-route"];
const red = (t: any) => t.services.red;
const CA = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mesh-ca-AbCdEf";
const KEY = "arn:aws:secretsmanager:us-east-1:111122223333:secret:red-tls-AbCdEf:key::";
const DEV = " (set in Pulumi.dev.yaml)";

/** GIVEN the dev stack WHEN one value breaks one rule THEN exactly that path reports that rule. */
const cases: Case[] = [
  // names
  ["mesh name over 255 characters", (t) => (t.mesh.name = "a".repeat(256)), "mesh.name", "must be 1 to 255 characters long, got 256"],
  ["service name with a space", (t) => (t.services["my svc"] = t.services.red), "services[\"my svc\"]", "must start with a letter or digit and contain only letters, digits, '-' and '_'"],
  ["service name that cannot be a DNS label", (t) => (t.services.Blue_2 = t.services.red), "services.Blue_2", "the name \"Blue_2\" is not a DNS label, so it cannot name its Cloud Map service; set discovery.cloudMap.service"],
  ["router name that cannot be a DNS label", (t) => { t.routers.my_router = { ...t.routers.colors, dnsName: undefined }; }, "routers.my_router", "the name \"my_router\" is not a DNS label, so it cannot name the router's Cloud Map service; set dnsName"],
  ["namespace that is not a DNS name", (t) => (t.namespace = "Colors_Local"), "namespace", "must be a lower-case DNS name such as colors.local"],
  // weights and targets
  ["weight above 100", (_t, e) => (route(e).targets.yellow = 150), "routers.colors.routes.color-route.targets.yellow", "must be between 0 and 100, got 150" + DEV],
  ["negative weight", (_t, e) => (route(e).targets.green = -1), "routers.colors.routes.color-route.targets.green", "must be between 0 and 100, got -1" + DEV],
  ["fractional weight", (_t, e) => (route(e).targets.green = 2.5), "routers.colors.routes.color-route.targets.green", "must be an integer between 0 and 100, got 2.5" + DEV],
  ["all weights zero", (_t, e) => (route(e).targets = { green: 0, yellow: 0 }), "routers.colors.routes.color-route.targets", "at least one target must have a weight above 0 (partly set in Pulumi.dev.yaml)"],
  ["weights adding up to more than 100", (_t, e) => (route(e).targets = { green: 60, yellow: 50 }), "routers.colors.routes.color-route.targets", "weights must add up to at most 100, got 110 (partly set in Pulumi.dev.yaml)"],
  ["more than 10 targets", (t, e) => {
    for (let i = 0; i < 11; i++) t.services[`c${i}`] = JSON.parse(JSON.stringify(t.services.green));
    for (let i = 0; i < 11; i++) t.services[`c${i}`].discovery = { cloudMap: { service: `c${i}` } };
    route(e).targets = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`c${i}`, 1]));
    route(e).targets.green = null; route(e).targets.yellow = null;
  }, "routers.colors.routes.color-route.targets", "must have 1 to 10 targets, got 11 (partly set in Pulumi.dev.yaml)"],
  ["unknown target", (_t, e) => (route(e).targets.purple = 0), "routers.colors.routes.color-route.targets.purple", "unknown service \"purple\"; known: red, blue, green, yellow" + DEV],
  ["target port no listener has", (_t, e) => (route(e).targets.green = { weight: 50, port: 8080 }), "routers.colors.routes.color-route.targets.green.port", "port 8080 is not a listener port of services.green (listeners: 80)" + DEV],
  // priorities, prefixes, methods, headers
  ["priority above 1000", (t) => (tRoute(t).priority = 1001), "routers.colors.routes.color-route.priority", "must be between 0 and 1000, got 1001"],
  ["negative priority", (t) => (t.gateway.routes["to-blue"].priority = -1), "gateway.routes.to-blue.priority", "must be between 0 and 1000, got -1"],
  ["route prefix without /", (t) => (tRoute(t).match.prefix = "colors"), "routers.colors.routes.color-route.match.prefix", "must start with \"/\", got \"colors\""],
  ["gateway prefix without /", (t) => (t.gateway.routes["to-router"].match.prefix = "router"), "gateway.routes.to-router.match.prefix", "must start with \"/\", got \"router\""],
  ["unknown HTTP method", (t) => (tRoute(t).match.method = "FETCH"), "routers.colors.routes.color-route.match.method", "must be one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, got \"FETCH\""],
  ["header name over 50 characters", (t) => (tRoute(t).match.headers = [{ name: "x".repeat(51), exact: "1" }]), "routers.colors.routes.color-route.match.headers[0].name", "must be 1 to 50 characters long, got 51"],
  ["header with two match kinds", (t) => (tRoute(t).match.headers = [{ name: "x-canary", exact: "1", prefix: "1" }]), "routers.colors.routes.color-route.match.headers[0]", "must set exactly one of exact, prefix, suffix, regex or range"],
  ["more than 10 header matches", (t) => (tRoute(t).match.headers = Array.from({ length: 11 }, (_, i) => ({ name: `h${i}`, exact: "1" }))), "routers.colors.routes.color-route.match.headers", "must have at most 10 header matches, got 11"],
  ["gateway route matching a method", (t) => (t.gateway.routes["to-blue"].match.method = "GET"), "gateway.routes.to-blue.match.method", "gateway routes cannot match on method in the App Mesh rendering; match the method on a router route behind the gateway instead"],
  // health checks and retries
  ["PERMISSIVE listener TLS with client validation (finding 6: plaintext bypasses mTLS)", (t) => (red(t).listeners[0].tls = { mode: "PERMISSIVE", certificate: { file: { certificateChain: "/certs/red.pem", privateKey: "/certs/red.key" } }, validation: { trust: { file: { certificateChain: "/certs/ca.pem" } }, subjectAlternativeNames: ["blue"] } }), "services.red.listeners[0].tls.mode", "is PERMISSIVE, which also accepts plaintext, so validation (mutual TLS) could be bypassed; use STRICT with validation, or remove validation while migrating"],
  ["listener client validation without names (finding 6: every certificate of the CA would be trusted)", (t) => (red(t).listeners[0].tls = { mode: "STRICT", certificate: { file: { certificateChain: "/certs/red.pem", privateKey: "/certs/red.key" } }, validation: { trust: { file: { certificateChain: "/certs/ca.pem" } } } }), "services.red.listeners[0].tls.validation.subjectAlternativeNames", "is required with validation: without names every certificate of the CA is trusted, the gateway's and every other service's included; name the callers' certificates (e.g. their Cloud Map names, like front.shop.local)"],
  ["health check interval below 5000 ms", (t) => (red(t).listeners[0].healthCheck.intervalMillis = 4999), "services.red.listeners[0].healthCheck.intervalMillis", "must be between 5000 and 300000, got 4999"],
  ["health check timeout above 60000 ms", (t) => (red(t).listeners[0].healthCheck.timeoutMillis = 60001), "services.red.listeners[0].healthCheck.timeoutMillis", "must be between 2000 and 60000, got 60001"],
  ["healthy threshold of 1", (t) => (red(t).listeners[0].healthCheck.healthyThreshold = 1), "services.red.listeners[0].healthCheck.healthyThreshold", "must be between 2 and 10, got 1"],
  ["unhealthy threshold of 11", (t) => (red(t).listeners[0].healthCheck.unhealthyThreshold = 11), "services.red.listeners[0].healthCheck.unhealthyThreshold", "must be between 2 and 10, got 11"],
  ["a per-try timeout as long as the request timeout", (t) => (tRoute(t).retryPolicy = { maxRetries: 2, perRetryTimeout: "15s" }), "routers.colors.routes.color-route.retryPolicy.perRetryTimeout", "is 15s, as long as the whole request may take (15s, the default); a slow try leaves no time to retry: make it shorter than the request timeout"],
  ["a per-try timeout longer than the route's timeout", (t) => { tRoute(t).retryPolicy = { maxRetries: 1, perRetryTimeout: "3s" }; tRoute(t).timeout = { perRequest: "2000ms" }; }, "routers.colors.routes.color-route.retryPolicy.perRetryTimeout", "is 3s, as long as the whole request may take (2s); a slow try leaves no time to retry: make it shorter than the request timeout"],
  ["negative maxRetries", (t) => (tRoute(t).retryPolicy = { maxRetries: -1, perRetryTimeout: "5s" }), "routers.colors.routes.color-route.retryPolicy.maxRetries", "must be between 0 and 5, got -1"],
  ["unbounded maxRetries", (t) => (tRoute(t).retryPolicy = { maxRetries: 6, perRetryTimeout: "5s" }), "routers.colors.routes.color-route.retryPolicy.maxRetries", "must be between 0 and 5, got 6"],
  ["retry timeout that is not a duration", (t) => (tRoute(t).retryPolicy = { maxRetries: 2, perRetryTimeout: "5" }), "routers.colors.routes.color-route.retryPolicy.perRetryTimeout", "must be a duration such as 15s or 500ms, got \"5\""],
  ["unknown HTTP retry event", (t) => (tRoute(t).retryPolicy = { maxRetries: 2, perRetryTimeout: "5s", httpRetryEvents: ["server-errors"] }), "routers.colors.routes.color-route.retryPolicy.httpRetryEvents[0]", "must be one of server-error, gateway-error, client-error, stream-error, got \"server-errors\""],
  ["gRPC retry events on an http route", (t) => (tRoute(t).retryPolicy = { maxRetries: 2, perRetryTimeout: "5s", grpcRetryEvents: ["cancelled"] }), "routers.colors.routes.color-route.retryPolicy.grpcRetryEvents", "grpcRetryEvents apply only to grpc routes, not http"],
  ["outlier detection ejecting over 100%", (t) => (red(t).listeners[0].outlierDetection = { maxServerErrors: 5, interval: "10s", baseEjectionDuration: "30s", maxEjectionPercent: 101 }), "services.red.listeners[0].outlierDetection.maxEjectionPercent", "must be between 0 and 100, got 101"],
  // protocols and ports
  ["gateway listener on tcp", (t) => (t.gateway.listeners[0].protocol = "tcp"), "gateway.listeners[0].protocol", "must be one of http, http2, grpc, got \"tcp\""],
  ["router listener port 0", (t) => (t.routers.colors.listeners[0].port = 0), "routers.colors.listeners[0].port", "must be between 1 and 65535, got 0"],
  ["listener port above 65535", (t) => { red(t).listeners[0].port = 65536; red(t).containers.app.ports = [65536]; }, "services.red.listeners[0].port", "must be between 1 and 65535, got 65536"],
  ["gateway route port the gateway does not listen on", (t) => (t.gateway.routes["to-blue"].match.port = 80), "gateway.routes.to-blue.match.port", "port 80 is not a listener port of the gateway (listeners: 8080)"],
  ["route port the router does not listen on", (t) => (tRoute(t).match.port = 8080), "routers.colors.routes.color-route.match.port", "port 8080 is not a listener port of routers.colors (listeners: 80)"],
  ["route protocol the router does not listen on", (t) => (tRoute(t).protocol = "grpc"), "routers.colors.routes.color-route.protocol", "grpc route on a router that listens on http; the route's protocol must match a router listener"],
  ["container port that is no listener port", (t) => (red(t).containers.app.ports = [80, 8080]), "services.red.containers.app.ports[1]", "port 8080 is not a listener port of services.red (listeners: 80); every container port must be a listener port so its traffic goes through Envoy"],
  ["listener port that no container exposes", (t) => (red(t).containers.app.ports = []), "services.red.listeners[0].port", "port 80 is not a port of any container of services.red; add it to a container's ports"],
  // references
  ["unknown backend", (t) => t.services.blue.backends.push("purple"), "services.blue.backends[2]", "unknown service or router \"purple\"; known: red, blue, green, yellow, colors"],
  ["backend hidden behind a router", (t) => t.services.blue.backends.push("green"), "services.blue.backends[2]", "services.green has no virtual service (it is a target of routers.colors); call \"colors\" instead"],
  ["unknown gateway route target", (t) => (t.gateway.routes["to-blue"].target = "purple"), "gateway.routes.to-blue.target", "unknown service or router \"purple\"; known: red, blue, green, yellow, colors"],
  ["router named like a service", (t) => (t.routers.red = { ...t.routers.colors, dnsName: "red-router" }), "routers.red", "name \"red\" is already used by services.red; services and routers share one set of names"],
  ["two providers of one virtual service name", (t) => (t.routers.colors.dnsName = "red"), "routers.colors", "virtual service name red.colors.local is already provided by services.red (partly set in Pulumi.dev.yaml)"],
  ["two services in one Cloud Map service", (t) => (t.services.blue.discovery = { cloudMap: { service: "red" } }), "services.blue.discovery", "Cloud Map service \"red\" is already used by services.red; each service registers under its own name"],
  // Fargate, Envoy, security
  ["CPU and memory Fargate rejects", (t) => Object.assign(red(t), { cpu: 256, memory: 4096 }), "services.red.memory", "Fargate does not accept cpu 256 with memory 4096; with cpu 256 memory must be 512, 1024, 2048"],
  ["CPU that is no Fargate size", (t) => Object.assign(t.gateway, { cpu: 300, memory: 1024 }), "gateway.memory", "cpu 300 is not a Fargate size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384"],
  ["memory off the 1024 MiB steps", (t) => Object.assign(red(t), { cpu: 1024, memory: 3000 }), "services.red.memory", "Fargate does not accept cpu 1024 with memory 3000; with cpu 1024 memory must be 2048-8192 in steps of 1024"],
  ["App Mesh Envoy image from another account", (t, e) => (e.dataPlane = "appmesh", t.envoy.image = "111111111111.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod"), "envoy.image", "image account 111111111111 does not serve us-east-1; use 840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod"],
  ["App Mesh Envoy image from another region", (t, e) => (e.dataPlane = "appmesh", t.envoy.image = "840364872350.dkr.ecr.eu-west-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod"), "envoy.image", "image is in region eu-west-1 but the stack deploys to us-east-1"],
  ["App Mesh Envoy older than v1.17.2.0", (t, e) => (e.dataPlane = "appmesh", t.envoy.appMeshVersion = "v1.16.1.1"), "envoy.appMeshVersion", "version v1.16.1.1 is older than v1.17.2.0, which App Mesh no longer supports"],
  ["Envoy draining longer than it may stop", (t) => Object.assign(t.envoy, { drainSeconds: 40, stopTimeout: 30 }), "envoy.drainSeconds", "Envoy drains for 40s but is stopped after 30s; drainSeconds must be below stopTimeout"],
  ["a password in the environment", (t) => (red(t).containers.app.environment.DB_PASSWORD = "hunter2"), "services.red.containers.app.environment.DB_PASSWORD", "looks like a secret; move it to secrets (a Secrets Manager or SSM parameter ARN) so it never appears in the task definition"],
  ["a secret that is not an ARN", (t) => (red(t).containers.app.secrets = { DB_PASSWORD: "hunter2" }), "services.red.containers.app.secrets.DB_PASSWORD", "must be a Secrets Manager secret or SSM parameter ARN (arn:aws:secretsmanager:…:secret:… or arn:aws:ssm:…:parameter/…), got \"hunter2\""],
  ["a secret that is an ARN of something else", (t) => (red(t).containers.app.secrets = { DB_PASSWORD: "arn:aws:s3:::bucket/key" }), "services.red.containers.app.secrets.DB_PASSWORD", "must be a Secrets Manager secret or SSM parameter ARN (arn:aws:secretsmanager:…:secret:… or arn:aws:ssm:…:parameter/…), got \"arn:aws:s3:::bucket/key\""],
  ["a Secrets Manager ARN without its 6-character suffix (finding 10: IAM would not match it)", (t) => (red(t).containers.app.secrets = { DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-password" }),
    "services.red.containers.app.secrets.DB_PASSWORD", "names the secret \"db-password\" without the 6-character suffix Secrets Manager adds to its ARN (…:secret:db-password-AbCdEf); IAM matches the full ARN, so the execution role could not read it. Use the ARN that `aws secretsmanager describe-secret --secret-id db-password --query ARN` prints"],
  ["a Secrets Manager ARN without its suffix, with a JSON key", (t) => (red(t).containers.app.secrets = { DB_USER: "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db:username::" }),
    "services.red.containers.app.secrets.DB_USER", "names the secret \"prod/db\" without the 6-character suffix Secrets Manager adds to its ARN (…:secret:prod/db-AbCdEf); IAM matches the full ARN, so the execution role could not read it. Use the ARN that `aws secretsmanager describe-secret --secret-id prod/db --query ARN` prints"],
  ["a TLS key in a Secrets Manager ARN without its suffix", (t) => (red(t).listeners[0].tls = { mode: "STRICT", certificate: { secret: { certificateChain: CA, privateKey: "arn:aws:secretsmanager:us-east-1:111122223333:secret:red-tls:key::" } } }),
    "services.red.listeners[0].tls.certificate.secret.privateKey", "names the secret \"red-tls\" without the 6-character suffix Secrets Manager adds to its ARN (…:secret:red-tls-AbCdEf); IAM matches the full ARN, so the execution role could not read it. Use the ARN that `aws secretsmanager describe-secret --secret-id red-tls --query ARN` prints"],
  ["a KMS key that is not a key ARN", (t) => (red(t).secretsKmsKeyArn = "alias/db"), "services.red.secretsKmsKeyArn", "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)"],
  ["NAT strategy None", (t) => (t.network.new.natGateways = "None"), "network.new.natGateways", "must be Single or OnePerAz (tasks in private subnets need NAT to pull images and reach the mesh)"],
  // tags and typos
  ["more than 50 tags", (t) => (t.tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]))), "tags", "must have at most 50 tags, got 51"],
  ["tag key over 128 characters", (t) => (t.tags = { ["k".repeat(129)]: "v" }), `tags.${"k".repeat(129)}`, "must be 1 to 128 characters long, got 129"],
  ["tag value over 256 characters", (t) => (t.tags = { owner: "v".repeat(257) }), "tags.owner", "must be 0 to 256 characters long, got 257"],
  ["misspelled setting", (t) => (red(t).listener = red(t).listeners), "services.red.listener", "unknown setting (misspelled, or not valid here)"],
  // what the envoy data plane cannot carry, and what each data plane needs
  ["an unknown data plane", (_t, e) => (e.dataPlane = "istio"), "dataPlane", "must be one of envoy, appmesh, lattice, got \"istio\"" + DEV],
  ["missing App Mesh Envoy build on the appmesh data plane", (t, e) => { e.dataPlane = "appmesh"; delete t.envoy.appMeshVersion; }, "envoy.appMeshVersion", "is required on the appmesh data plane (an App Mesh Envoy build such as v1.29.12.1; the regional image is derived from it), or set envoy.image"],
  ["a listener on Envoy's admin port", (t) => { red(t).listeners[0].port = 9901; red(t).containers.app.ports = [9901]; }, "services.red.listeners[0].port", "9901 is Envoy's admin interface in every task of the envoy data plane; use another port"],
  ["a listener on the app-health port", (t) => { red(t).listeners[0].port = 15021; red(t).containers.app.ports = [15021]; }, "services.red.listeners[0].port", "15021 is Envoy's app-health listener in every task of the envoy data plane; use another port"],
  ["a listener on the X-Ray daemon's port with X-Ray on", (t) => { t.envoy.xray = true; red(t).listeners[0].port = 2000; red(t).containers.app.ports = [2000]; }, "services.red.listeners[0].port", "2000 is the X-Ray daemon in every task of the envoy data plane; use another port"],
  ["a gateway listener on Envoy's outbound capture port", (t) => (t.gateway.listeners[0].port = 15001), "gateway.listeners[0].port", "15001 is Envoy's outbound capture port in the gateway's task; use another port"],
  ["an App Mesh build as the upstream Envoy version", (t) => (t.envoy.version = "v1.29.12.1"), "envoy.version", "v1.29.12.1 is an App Mesh Envoy build; the envoy data plane runs upstream Envoy: write an upstream release such as v1.40.0 (or leave envoy.version out for that default), and keep the App Mesh build in envoy.appMeshVersion"],
  ["App Mesh's Envoy image on the envoy data plane", (t) => (t.envoy.image = "840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod"), "envoy.image", "is AWS's App Mesh Envoy image, which only runs with App Mesh; use envoyproxy/envoy or your mirror of it"],
  ["Cloud Map attributes on the envoy data plane", (t) => (red(t).discovery = { cloudMap: { attributes: { stage: "blue" } } }), "services.red.discovery.cloudMap.attributes", "are not available on the envoy data plane: Envoy finds tasks through the Cloud Map DNS name, and DNS cannot select instances by attribute; register the subset under its own Cloud Map service"],
  ["an ACM certificate on the envoy data plane", (t) => (red(t).listeners[0].tls = { mode: "STRICT", certificate: { acm: { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/abc" } } }), "services.red.listeners[0].tls.certificate.acm", "is not available on the envoy data plane: only App Mesh could hand an ACM certificate to Envoy; give the certificate and key as secrets (certificate.secret, injected by ECS) or files"],
  ["an access log to a file on the envoy data plane", (t) => (red(t).accessLog.path = "/var/log/envoy.log"), "services.red.accessLog.path", "must be /dev/stdout or /dev/stderr on the envoy data plane (the root file system is read-only; awslogs ships the container's output), got \"/var/log/envoy.log\""],
  ["ALLOW_ALL with proxy interception", (t) => { t.envoy.interception = "proxy"; t.mesh.egressFilter = "ALLOW_ALL"; }, "mesh.egressFilter", "ALLOW_ALL with envoy.interception proxy is not available on the envoy data plane: a proxy-mode Envoy cannot pass unknown hosts on to their original destination; use interception transparent, or DROP_ALL"],
  ["listener TLS with proxy interception", (t) => { t.envoy.interception = "proxy"; red(t).listeners[0].tls = { mode: "STRICT", certificate: { file: { certificateChain: "/certs/c.pem", privateKey: "/certs/k.pem" } } }; }, "services.red.listeners[0].tls", "needs envoy.interception transparent: in proxy mode callers reach the application directly, so Envoy cannot terminate TLS in front of it"],
  ["a tcp listener with proxy interception", (t) => { t.envoy.interception = "proxy"; red(t).listeners[0] = { port: 80, protocol: "tcp" }; }, "services.red.listeners[0].protocol", "tcp needs envoy.interception transparent: HTTP_PROXY only carries HTTP"],
  ["a grpc backend with proxy interception", (t) => { t.envoy.interception = "proxy"; red(t).listeners[0].protocol = "grpc"; }, "services.blue.backends[0]", "red takes grpc on port 80, which needs envoy.interception transparent: gRPC clients tunnel through an HTTP_PROXY with CONNECT (or ignore it), and the proxy-mode Envoy routes plain HTTP requests only"],
  ["a grpc router backend with proxy interception", (t) => {
    t.envoy.interception = "proxy";
    for (const s of ["green", "yellow"]) t.services[s].listeners[0].protocol = "grpc";
    t.routers.colors.listeners[0].protocol = "grpc";
    tRoute(t).match = { serviceName: "colors.Palette" };
  }, "services.blue.backends[1]", "colors takes grpc on port 80, which needs envoy.interception transparent: gRPC clients tunnel through an HTTP_PROXY with CONNECT (or ignore it), and the proxy-mode Envoy routes plain HTTP requests only"],
  ["egressIgnoredPorts with proxy interception", (t) => { t.envoy.interception = "proxy"; t.services.blue.egressIgnoredPorts = [443]; }, "services.blue.egressIgnoredPorts", "applies to envoy.interception transparent only: in proxy mode only what an application sends to HTTP_PROXY reaches Envoy, and AWS APIs (.amazonaws.com) are in NO_PROXY already; remove it"],
  ["egressIgnoredPorts on the lattice data plane", (t, e) => { e.dataPlane = "lattice"; t.services.blue.egressIgnoredPorts = [443]; }, "services.blue.egressIgnoredPorts", "is not available on the lattice data plane: no sidecar intercepts the application's connections; its security group alone limits them (HTTPS and the Lattice prefix list); remove it"],
  ["a backend's port let past Envoy", (t) => (t.services.blue.egressIgnoredPorts = [443, 80]), "services.blue.egressIgnoredPorts[1]", "80 is the port of backend red: its calls would leave past Envoy (no routes, retries or TLS) and still arrive; let another port past Envoy, or move red to another port"],
  ["egressIgnoredPorts that is empty", (t) => (t.services.blue.egressIgnoredPorts = []), "services.blue.egressIgnoredPorts", "must list at least one port (leave it out for none)"],
  ["two tcp backends on one port", (t) => {
    red(t).listeners[0] = { port: 80, protocol: "tcp" };
    t.services.purple = { ...JSON.parse(JSON.stringify(t.services.red)), discovery: { cloudMap: { service: "purple" } } };
    t.services.blue.backends = ["red", "purple"];
  }, "services.blue.backends", "red and purple both take tcp on port 80; the envoy data plane tells tcp backends apart by port, so give one of them another port"],
  ["a tcp backend on an http backend's port", (t) => {
    t.services.purple = { ...JSON.parse(JSON.stringify(t.services.red)), discovery: { cloudMap: { service: "purple" } } };
    t.services.purple.listeners[0] = { port: 80, protocol: "tcp" };
    t.services.blue.backends = ["red", "purple"];
  }, "services.blue.backends", "purple takes tcp on port 80, where red takes HTTP; the envoy data plane tells tcp backends apart by port, so give one of them another port"],
  // more cross-reference and shape rules
  ["a health check on another port than its listener's", (t) => (red(t).listeners[0].healthCheck.port = 8081), "services.red.listeners[0].healthCheck.port", "must be the listener's port 80 (App Mesh: the health check port must match the listener's port mapping), got 8081: callers reach a task only on its listener ports, so a check on another port never arrives and every task looks unhealthy; leave it out, and serve the health path on the listener's port"],
  ["a health check on another port on the lattice data plane too", (t, e) => { e.dataPlane = "lattice"; red(t).listeners[0].healthCheck.port = 81; }, "services.red.listeners[0].healthCheck.port", "must be the listener's port 80 (App Mesh: the health check port must match the listener's port mapping), got 81: callers reach a task only on its listener ports, so a check on another port never arrives and every task looks unhealthy; leave it out, and serve the health path on the listener's port"],
  ["a listener port listed twice", (t) => red(t).listeners.push({ port: 80, protocol: "http" }), "services.red.listeners[1].port", "port 80 is listed twice"],
  ["more than 10 containers in a task", (t) => { for (let i = 0; i < 10; i++) red(t).containers[`side${i}`] = { image: "busybox" }; }, "services.red.containers", "a task holds at most 10 containers including the ones the data plane adds (Envoy, its lifecycle or app-health container, X-Ray), got 13"],
  ["more than 10 containers in an App Mesh task, its app-health container counted", (t, e) => { e.dataPlane = "appmesh"; for (let i = 0; i < 8; i++) red(t).containers[`side${i}`] = { image: "busybox" }; }, "services.red.containers", "a task holds at most 10 containers including the ones the data plane adds (Envoy, its lifecycle or app-health container, X-Ray), got 11"],
  ["a tcp route matching a prefix", (t) => { t.routers.colors.listeners[0].protocol = "tcp"; }, "routers.colors.routes.color-route.match.prefix", "tcp routes cannot match on prefix"],
  ["a tcp route with a retry policy", (t) => { t.routers.colors.listeners[0].protocol = "tcp"; tRoute(t).match = { port: 80 }; tRoute(t).retryPolicy = { maxRetries: 1, perRetryTimeout: "1s" }; }, "routers.colors.routes.color-route.retryPolicy", "tcp routes cannot have a retry policy (App Mesh has none for tcp)"],
  ["a tcp route with a request timeout", (t) => { t.routers.colors.listeners[0].protocol = "tcp"; tRoute(t).match = { port: 80 }; tRoute(t).timeout = { perRequest: "5s" }; }, "routers.colors.routes.color-route.timeout.perRequest", "tcp routes have no request to time (App Mesh's TcpTimeout has only idle); use timeout.idle"],
  ["a gRPC method without its service", (t) => { t.routers.colors.listeners[0].protocol = "grpc"; tRoute(t).match = { methodName: "Get" }; }, "routers.colors.routes.color-route.match.methodName", "methodName needs serviceName"],
  ["a gRPC service name on an http route", (t) => (tRoute(t).match.serviceName = "colors.Color"), "routers.colors.routes.color-route.match.serviceName", "serviceName applies only to grpc routes, not http"],
  ["a gateway route protocol the gateway does not listen on", (t) => (t.gateway.routes["to-blue"].protocol = "grpc"), "gateway.routes.to-blue.protocol", "grpc route on a gateway that listens on http"],
  ["a gateway route without a port on a gateway with two listeners", (t) => t.gateway.listeners.push({ port: 8443, protocol: "http" }), "gateway.routes.to-blue.match.port", "the gateway has several listeners (8080, 8443); the match must name one port"],
  ["a target without a port on a node with two listeners", (t) => { t.services.green.listeners.push({ port: 8080, protocol: "http" }); t.services.green.containers.app.ports = [80, 8080]; }, "routers.colors.routes.color-route.targets.green", "services.green has several listeners (80, 8080); write { weight, port } to pick one (set in Pulumi.dev.yaml)"],
  ["a target with no listener at all", (t) => { t.services.green.listeners = []; t.services.green.containers.app.ports = []; }, "routers.colors.routes.color-route.targets.green", "services.green has no listeners, so it cannot receive routed traffic (set in Pulumi.dev.yaml)"],
  ["a backend whose virtual service is turned off", (t) => { red(t).virtualService = false; }, "services.blue.backends[0]", "services.red has no virtual service; set its virtualService to true"],
  ["TLS with two certificates", (t) => (red(t).listeners[0].tls = { mode: "STRICT", certificate: { acm: { certificateArn: "arn:aws:acm:us-east-1:1:certificate/x" }, file: { certificateChain: "/c", privateKey: "/k" } } }), "services.red.listeners[0].tls.certificate", "must set exactly one of acm, file, secret"],
  ["an enforced client TLS policy towards a listener without TLS", (t) => { t.services.yellow.backends = ["red"]; t.services.yellow.clientTls = { validation: { trust: { secret: { certificateChain: CA } } } }; },
    "services.yellow.clientTls", "reaches services.red.listeners[0] (port 80), which does not terminate TLS: every call there would fail; add tls to that listener, or leave its port out of clientTls.ports"],
  ["an ACM Private CA trust on the envoy data plane", (t) => (t.gateway.clientTls = { enforce: false, validation: { trust: { acm: { certificateAuthorityArns: ["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x"] } } } }),
    "gateway.clientTls.validation.trust.acm", "is not available on the envoy data plane: upstream Envoy cannot read an ACM Private CA; give the CA's certificate as a secret (trust.secret) or file"],
  ["more than 3 ACM Private CAs", (t, e) => { e.dataPlane = "appmesh"; t.gateway.clientTls = { enforce: false, validation: { trust: { acm: { certificateAuthorityArns: ["arn:1", "arn:2", "arn:3", "arn:4"] } } } }; },
    "gateway.clientTls.validation.trust.acm.certificateAuthorityArns", "must have at most 3 items"],
  ["a certificate from a secret on the appmesh data plane", (t, e) => { e.dataPlane = "appmesh"; red(t).listeners[0].tls = { mode: "STRICT", certificate: { secret: { certificateChain: CA, privateKey: KEY } } }; },
    "services.red.listeners[0].tls.certificate.secret", "is not available on the appmesh data plane: App Mesh's Envoy reads certificates from ACM, files or SDS; use file (or the envoy data plane)"],
  ["a client TLS policy on the lattice data plane", (t, e) => { e.dataPlane = "lattice"; t.services.blue.clientTls = { enforce: false, validation: { trust: { file: { certificateChain: "/ca.pem" } } } }; },
    "services.blue.clientTls", "is not available on the lattice data plane: no sidecar originates TLS; VPC Lattice carries the call; remove clientTls"],
  ["an application running as Envoy's UID", (t) => (red(t).containers.app.user = "1337:1337"), "services.red.containers.app.user",
    "1337 is Envoy's UID, which the task's interception lets out unproxied: this container's calls would bypass the mesh; pick another UID"],
  ["a container user with a space", (t) => (red(t).containers.app.user = "app user"), "services.red.containers.app.user",
    "must be a user or UID, optionally with a group (such as 1000 or app:app), got \"app user\""],
  ["a private key that is not a secret", (t) => (red(t).listeners[0].tls = { mode: "STRICT", certificate: { secret: { certificateChain: CA, privateKey: "arn:aws:s3:::keys/red.pem" } } }),
    "services.red.listeners[0].tls.certificate.secret.privateKey", "must be a Secrets Manager secret or SSM parameter ARN holding a PEM document, got \"arn:aws:s3:::keys/red.pem\""],
  ["mutual TLS without a trust", (t) => (red(t).listeners[0].tls = { mode: "STRICT", certificate: { file: { certificateChain: "/c", privateKey: "/k" } }, validation: { trust: {} } }),
    "services.red.listeners[0].tls.validation.trust", "must set exactly one of file, secret"],
  ["an ACM certificate on the gateway's listener on the envoy data plane", (t) => (t.gateway.listeners[0].tls = { mode: "STRICT", certificate: { acm: { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/gw" } } }),
    "gateway.listeners[0].tls.certificate.acm", "is not available on the envoy data plane: only App Mesh could hand an ACM certificate to Envoy; give the certificate and key as secrets (certificate.secret, injected by ECS) or files"],
  ["TLS mode that does not exist", (t) => (red(t).listeners[0].tls = { mode: "ON", certificate: { file: { certificateChain: "/c", privateKey: "/k" } } }), "services.red.listeners[0].tls.mode", "must be one of STRICT, PERMISSIVE, DISABLED, got \"ON\""],
  ["an access log with text and JSON formats", (t) => (red(t).accessLog.format.json = { a: "b" }), "services.red.accessLog.format", "must set exactly one of text or json"],
  ["an access log that writes the Authorization header", (t) => (red(t).accessLog.format.text = "%START_TIME% %REQ(Authorization)% %REQ(:PATH)%\n"), "services.red.accessLog.format.text", "writes credentials into the access log (%REQ(Authorization)%): anyone who may read the logs could use them; remove it"],
  ["a JSON access log with cookies", (t) => { delete red(t).accessLog.format.text; red(t).accessLog.format.json = { c: "%REQ(x-session?COOKIE):64%", s: "%RESP(set-cookie)%", ok: "%REQ(user-agent)%" }; }, "services.red.accessLog.format.json.c", "writes credentials into the access log (%REQ(x-session?COOKIE):64%): anyone who may read the logs could use them; remove it"],
  ["access log text over 1000 characters", (t) => (red(t).accessLog.format.text = "x".repeat(1001)), "services.red.accessLog.format.text", "must be 1 to 1000 characters long, got 1001"],
  ["Cloud Map and DNS discovery at once", (t) => (red(t).discovery = { cloudMap: {}, dns: { hostname: "red.colors.local" } }), "services.red.discovery", "must set at most one of cloudMap or dns"],
  ["a Cloud Map attribute key with a space", (t) => (red(t).discovery = { cloudMap: { attributes: { "my key": "v" } } }), "services.red.discovery.cloudMap.attributes[\"my key\"]", "must match ^[a-zA-Z0-9!-~]+$"],
  ["a new VPC and an existing one at once", (t) => (t.network.existing = { vpcId: "vpc-1", vpcCidr: "10.1.0.0/16", publicSubnetIds: ["subnet-1"], privateSubnetIds: ["subnet-2"] }), "network", "must set at most one of new or existing"],
  ["an existing VPC with a malformed subnet", (t) => (t.network = { existing: { vpcId: "vpc-1", vpcCidr: "10.1.0.0/16", publicSubnetIds: ["sn-1"], privateSubnetIds: ["subnet-2"] } }), "network.existing.publicSubnetIds[0]", "must be a subnet id (subnet-…)"],
  ["a CIDR block larger than /16", (t) => (t.network.new.cidr = "10.0.0.0/8"), "network.new.cidr", "must be an IPv4 CIDR block with a prefix between /16 and /28"],
  ["a router without routes", (t, e) => { t.routers.colors.routes = {}; e.routers.colors.routes = {}; }, "routers.colors.routes", "must have at least one route (partly set in Pulumi.dev.yaml)"],
  ["an exception without a reason", (t) => (t.exceptions["lb-access-logs"].reason = ""), "exceptions.lb-access-logs.reason", "must say why the rule does not apply"],
  ["a desired count that is not a number", (t) => (red(t).desiredCount = "two"), "services.red.desiredCount", "must be an integer between 0 and 1000, got \"two\""],
];

describe("validation: one rule, one path, one message", () => {
  for (const [title, change, path, message] of cases) {
    it(`rejects ${title}`, () => {
      const found = issues(withChange("dev", change));
      assert.ok(found.length > 0, `no issue at all for: ${title}`);
      assert.deepEqual(at(found, path), [message], `issues were:\n${found.map((i) => `${i.path}: ${i.message}`).join("\n")}`);
    });
  }

  it("GIVEN proxy interception WHEN two backends take grpc THEN both are reported at once, each with its path and the file that set it", () => {
    const found = issues(withChange("dev", (t, e) => {
      t.envoy.interception = "proxy";
      for (const s of ["red", "green", "yellow"]) t.services[s].listeners[0].protocol = "grpc";
      t.routers.colors.listeners[0].protocol = "grpc";
      tRoute(t).match = { serviceName: "colors.Palette" };
      e.services.blue = { ...(e.services.blue ?? {}), backends: ["red", "colors"] };
    }));
    const grpc = found.filter((i) => /takes grpc/.test(i.message));
    assert.deepEqual(grpc.map((i) => i.path), ["services.blue.backends[0]", "services.blue.backends[1]"]);
    for (const i of grpc) assert.match(i.message, /needs envoy\.interception transparent.*\(set in Pulumi\.dev\.yaml\)$/);
  });

  it("accepts full Secrets Manager ARNs (with a JSON key, stage or version after them) and SSM parameter ARNs", () => {
    const secrets = {
      A: "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
      B: "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-x1Y2z3:password:AWSCURRENT:",
      C: "arn:aws:ssm:us-east-1:111122223333:parameter/db/password",
      D: "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:db-AbCdEf",
    };
    assert.deepEqual(issues(withChange("dev", (t) => (red(t).containers.app.secrets = secrets))), []);
  });

  it("accepts the reference stacks unchanged", () => {
    assert.deepEqual(issues(withChange("dev", () => undefined)), []);
  });

  it("requires the environment overrides to be a map and the stack name to be lower case", () => {
    const i = withChange("dev", () => undefined);
    i.environment = ["not", "a", "map"] as never; // what a YAML file can hold, whatever the type says
    i.stack = "Dev_1";
    const found = issues(i);
    assert.deepEqual(at(found, "environment"), ["must be a map of overrides, got a list"]);
    assert.deepEqual(at(found, "stack"), ["must contain only lower-case letters, digits and '-', got \"Dev_1\""]);
  });

  it("requires the region", () => {
    const i = withChange("dev", () => undefined);
    i.region = undefined;
    assert.deepEqual(at(issues(i), "aws:region"), ["must be an AWS region such as us-east-1, got nothing"]);
  });

  it("reports every mistake of one bad file at once, and throws them together", () => {
    const bad = withChange("dev", (t, e) => {
      t.services.red.cpu = 256; t.services.red.memory = 4096;
      t.gateway.routes["to-router"].match.prefix = "router";
      t.services.blue.backends = ["red", "purple"];
      e.routers.colors.routes["color-route"].targets = { green: 95, orange: 10 };
      t.routers.colors.routes["color-route"].priority = 1001;
      e.envoy.logLevel = "loud";
    });
    const found = issues(bad).map((i) => i.path).sort();
    assert.deepEqual(found, [
      "envoy.logLevel",
      "gateway.routes.to-router.match.prefix",
      "routers.colors.routes.color-route.priority",
      "routers.colors.routes.color-route.targets",
      "routers.colors.routes.color-route.targets.orange",
      "services.blue.backends[1]",
      "services.red.memory",
    ]);
    assert.throws(() => loadMesh(bad), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.issues.length, 7);
      assert.match(e.message, /^mesh configuration is invalid \(7 problems\):\n {2}- /);
      assert.match(e.message, /- envoy\.logLevel: must be one of trace, debug, info, warning, warn, error, critical, off, got "loud" \(set in Pulumi\.dev\.yaml\)/);
      return true;
    });
  });
});
