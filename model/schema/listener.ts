import { z } from "zod";
import { ENUMS, LIMITS } from "../limits";
import { secretArn } from "./secret-arn";
import { bool, CONTROL, duration, enumOf, int, port, show, requestText, text } from "./common";

/**
 * The health check Envoy runs against the local application. App Mesh requires all five
 * numeric fields; the description may omit them and gets the defaults of `model/defaults.ts`.
 */
export const healthCheck = z.strictObject({
  protocol: enumOf(ENUMS.protocol.values).optional(),
  path: requestText.pipe(z.string().startsWith("/", { error: "must start with /" })).optional(),
  port: port.optional(),
  intervalMillis: int(LIMITS.healthCheckIntervalMillis).optional(),
  timeoutMillis: int(LIMITS.healthCheckTimeoutMillis).optional(),
  healthyThreshold: int(LIMITS.healthCheckThreshold).optional(),
  unhealthyThreshold: int(LIMITS.healthCheckThreshold).optional(),
});

/** Passive health checking: ejects a host after repeated 5xx responses. All four fields are required by the API. */
export const outlierDetection = z.strictObject({
  maxServerErrors: int(LIMITS.maxServerErrors),
  interval: duration,
  baseEjectionDuration: duration,
  maxEjectionPercent: int(LIMITS.maxEjectionPercent),
});

export const timeout = z.strictObject({ perRequest: duration.optional(), idle: duration.optional() });

/** A Secrets Manager secret (its full ARN, with the suffix) or SSM parameter holding one PEM document (ECS injects it into Envoy). */
export const pemSecret = secretArn((input) => `must be a Secrets Manager secret or SSM parameter ARN holding a PEM document, got ${show(input)}`);

const exactlyOne = (keys: string[]) => (o: Record<string, unknown>) => keys.filter((k) => o[k] !== undefined).length === 1;
const oneOf = (keys: string[]) => ({ error: `must set exactly one of ${keys.join(", ")}` });

/**
 * A certificate and its private key: files in the Envoy container (App Mesh: `file`), or secrets
 * that ECS hands to Envoy at start (envoy data plane: `secret`, nothing baked into an image).
 */
/**
 * A file in the Envoy container: absolute, because Envoy resolves a relative path against its
 * working directory, which the image decides, not the description.
 */
const filePath = text(LIMITS.filePath)
  .refine((p) => p.startsWith("/"), { error: (i) => `must be an absolute path (starting with /) in the Envoy container, got ${show(i.input)}` })
  .refine((p) => !CONTROL.test(p), { error: "must not contain control characters" });

const keyPair = {
  file: z.strictObject({ certificateChain: filePath, privateKey: filePath }).optional(),
  secret: z.strictObject({ certificateChain: pemSecret, privateKey: pemSecret }).optional(),
};

/** Names a peer's certificate must carry (App Mesh: subjectAlternativeNames.match.exact). */
const subjectAlternativeNames = z.array(text(LIMITS.subjectAlternativeName)).min(1, { error: "must name at least one" });

/** The CA bundle a peer's certificate must chain to. */
const trustFile = z.strictObject({ certificateChain: filePath });
const trustSecret = z.strictObject({ certificateChain: pemSecret });

/** Listener TLS: STRICT accepts only TLS, PERMISSIVE accepts both (useful during migration). */
export const tls = z.strictObject({
  mode: enumOf(ENUMS.tlsMode.values),
  certificate: z.strictObject({
    acm: z.strictObject({ certificateArn: z.string().startsWith("arn:", { error: "must be an ACM certificate ARN" }) }).optional(),
    ...keyPair,
  }).refine(exactlyOne(["acm", "file", "secret"]), oneOf(["acm", "file", "secret"])),
  /** Mutual TLS: callers must present a certificate that chains to this trust (and carries one of the names). */
  validation: z.strictObject({
    trust: z.strictObject({ file: trustFile.optional(), secret: trustSecret.optional() })
      .refine(exactlyOne(["file", "secret"]), oneOf(["file", "secret"])),
    subjectAlternativeNames: subjectAlternativeNames.optional(),
  }).optional(),
});

/**
 * How a service (or the gateway) calls its backends over TLS: App Mesh's
 * `backendDefaults.clientPolicy.tls`. It verifies each backend's certificate against `validation`
 * and, with `certificate`, presents its own (mutual TLS).
 */
export const clientTls = z.strictObject({
  /** @default true */
  enforce: bool.optional(),
  /** Backend ports it applies to. @default every port */
  ports: z.array(port).min(1).optional(),
  /** The client certificate for mutual TLS. @default none (one-way TLS) */
  certificate: z.strictObject(keyPair).refine(exactlyOne(["file", "secret"]), oneOf(["file", "secret"])).optional(),
  validation: z.strictObject({
    trust: z.strictObject({
      /** ACM Private CAs (App Mesh only). */
      acm: z.strictObject({ certificateAuthorityArns: z.array(z.string().startsWith("arn:", { error: "must be an ACM Private CA ARN" })).min(LIMITS.certificateAuthorityArns.min).max(LIMITS.certificateAuthorityArns.max) }).optional(),
      file: trustFile.optional(),
      secret: trustSecret.optional(),
    }).refine(exactlyOne(["acm", "file", "secret"]), oneOf(["acm", "file", "secret"])),
    subjectAlternativeNames: subjectAlternativeNames.optional(),
  }),
});
export type ClientTlsConfig = z.infer<typeof clientTls>;

export const listener = z.strictObject({
  port,
  protocol: enumOf(ENUMS.protocol.values),
  healthCheck: healthCheck.optional(),
  outlierDetection: outlierDetection.optional(),
  timeout: timeout.optional(),
  tls: tls.optional(),
});
export type ListenerConfig = z.infer<typeof listener>;
