import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { credentialInValue, secretReason } from "../../model/secrets";
import { checkResources } from "../../tools/check-core";
import { planOf } from "../components/plan-helpers";
import { at, issues, withChange } from "../helpers";

const ENV = "services.red.containers.app.environment";
const withEnv = (vars: Record<string, string>) => issues(withChange("dev", (t) => { Object.assign(t.services.red.containers.app.environment, vars); }));
// Test values assembled at run time, so that no scanner mistakes this file for a leak.
const KEY_ID = ["AKIA", "IOSFODNN7EXAMPLE"].join("");
const SECRET_KEY = ["wJalrXUtnFEMI", "K7MDENG", "bPxRfiCYEXAMPLEKEY"].join("/");
const PEM = ["-----BEGIN", "RSA PRIVATE KEY-----\nMIIEow…\n-----END RSA PRIVATE KEY-----"].join(" ");

describe("secrets are found by their value, not only by their name", () => {
  const secrets: [string, string, string][] = [
    ["DATABASE_URL", "postgres://admin:pw@db.internal:5432/app", "a URL with a password in it"],
    ["CACHE", "redis://:s3cret@cache:6379", "a URL with a password in it"],
    ["AWS_ACCESS_KEY_ID", KEY_ID, "an AWS access key id"],
    ["CREDS", `[default]\naws_access_key_id = ${KEY_ID.replace("AKIA", "ASIA")}`, "an AWS access key id"],
    ["AWS_KEY", SECRET_KEY, "an AWS secret access key"],
    ["BOTO_CONFIG", `aws_secret_access_key=${SECRET_KEY}`, "an AWS secret access key"],
    ["TLS", PEM, "a PEM private key"],
    ["STRIPE", `sk_live_${crypto.randomBytes(24).toString("base64url")}`, "a random token (a key or password)"],
    ["GH", `ghp_${"16C7e42F292c6912E7710c838347Ae178B4a"}`, "a random token (a key or password)"],
    ["DD", crypto.randomBytes(16).toString("hex"), "a random token (a key or password)"],
    ["JWT", `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: "1234567890", name: "A. User", iat: 1516239022 })).toString("base64url")}.${crypto.randomBytes(32).toString("base64url")}`, "a random token (a key or password)"],
  ];
  for (const [name, value, what] of secrets)
    it(`${name} holding ${what} is refused at its path, without the value in the message`, () => {
      assert.equal(credentialInValue(value, name), what);
      const found = at(withEnv({ [name]: value }), `${ENV}.${name}`);
      assert.deepEqual(found, [`its value looks like ${what}; move it to secrets (a Secrets Manager or SSM parameter ARN) so it never appears in the task definition`]);
    });

  it("random tokens are found: all but a few in a thousand", () => {
    // Deterministic "random" bytes, so that the counts below are the same on every run.
    const bytes = (i: number, n: number) => crypto.createHash("sha512").update(`token ${i}`).digest().subarray(0, n);
    const missed = (make: (i: number) => string) => Array.from({ length: 1000 }, (_, i) => make(i)).filter((t) => !credentialInValue(t));
    assert.ok(missed((i) => bytes(i, 24).toString("base64")).length <= 3);
    assert.ok(missed((i) => bytes(i, 16).toString("hex")).length <= 1);
    assert.ok(missed((i) => bytes(i, 32).toString("base64url")).length <= 1);
    assert.deepEqual(missed((i) => bytes(i, 32).toString("hex")), []);
  });

  const ordinary: [string, string][] = [
    ["IMAGE", "123456789012.dkr.ecr.us-east-1.amazonaws.com/colors/blue-service:1.4.2"],
    ["DIGEST", `forsakenidol/colorapp@sha256:${crypto.randomBytes(32).toString("hex")}`],
    ["GIT_COMMIT", crypto.randomBytes(20).toString("hex")],
    ["REQUEST_ID", crypto.randomUUID()],
    ["UPSTREAM", "https://api.example.com:8443/v1/things?limit=10"],
    ["DATABASE_URL", "postgres://db.internal:5432/app"],
    ["DATABASE_USER_URL", "postgres://app@db.internal:5432/app"],
    ["EMAIL", "ops@example.com"],
    ["HOSTNAME", "ip-10-0-1-23.us-east-1.compute.internal"],
    ["JAVA_OPTS", "-XX:MaxRAMPercentage=75.0 -Dspring.profiles.active=production"],
    ["CLASS", "com.example.ordering.service.OrderProcessingServiceApplication"],
    ["BANNER", "ThisIsAnOrdinaryCamelCaseValue123"],
    ["PATHS", "/usr/local/share/applications/config1:/opt/app/lib/native/linux-x86_64"],
    ["ROLE", "arn:aws:iam::123456789012:role/colors-dev-blue-task-role"],
    ["COLOR", "blue"],
    ["KEY_ID_LIKE", "AKIA"],
  ];
  for (const [name, value] of ordinary)
    it(`${name}=${value.slice(0, 40)} is accepted`, () => {
      assert.equal(credentialInValue(value, name), undefined);
      assert.deepEqual(at(withEnv({ [name]: value }), `${ENV}.${name}`), []);
    });

  it("by name as before", () => {
    assert.equal(secretReason("DB_PASSWORD", "x"), "its name says it is a credential");
    assert.equal(secretReason("COLOR", "blue"), undefined);
  });
});

describe("environment variable names ECS cannot carry", () => {
  const bad: [string, string][] = [
    ["A=B", "an environment variable's name cannot contain '=' (the process sees NAME=value, so the name would end at the '=')"],
    ["", "an environment variable needs a name"],
    ["A\nB", "an environment variable's name cannot contain control characters (newlines, tabs, NUL)"],
    ["A\u0000", "an environment variable's name cannot contain control characters (newlines, tabs, NUL)"],
    ["A B", "an environment variable's name cannot contain spaces"],
    ["A".repeat(256), "an environment variable's name must be at most 255 characters long, got 256"],
  ];
  for (const [name, message] of bad)
    it(`${JSON.stringify(name.slice(0, 12))} is refused at its path`, () => {
      const list = withEnv({ [name]: "x" });
      const p = `${ENV}${/^[A-Za-z0-9_:-]+$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`}`;
      assert.deepEqual(at(list, p), [message], JSON.stringify(list));
    });
  it("a name of 255 characters is accepted", () => assert.deepEqual(withEnv({ ["A".repeat(255)]: "x" }), []));
  it("a secret's name is checked alike, since ECS passes it as a variable", () => {
    const list = issues(withChange("dev", (t) => { t.services.red.containers.app.secrets = { "DB=URL": "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf" }; }));
    assert.deepEqual(at(list, 'services.red.containers.app.secrets["DB=URL"]'), ["an environment variable's name cannot contain '=' (the process sees NAME=value, so the name would end at the '=')"]);
  });
});

describe("an environment value too large for a task definition", () => {
  it("a 5 MiB value is reported at its own path, not the service's", () => {
    const list = withEnv({ BANNER: "x".repeat(5 * 1024 * 1024) });
    assert.deepEqual(list.map((i) => i.path), [`${ENV}.BANNER`]);
    assert.match(list[0].message, /^is 5120\.0 KiB, and ECS accepts a whole task definition of at most 64\.0 KiB/);
  });
  it("values that overflow it together name the largest", () => {
    const list = withEnv({ A: "x".repeat(40000), B: "x".repeat(30000) });
    assert.deepEqual(list.map((i) => i.path), [`${ENV}.A`]);
    assert.match(list[0].message, /largest of this container's environment values, which add up to 68\.4 KiB/);
  });
});

describe("the policy pack finds secrets by value too", () => {
  it("uses a byte-identical copy of model/secrets.ts", () => {
    const root = path.join(__dirname, "..", "..");
    assert.equal(fs.readFileSync(path.join(root, "policy", "secrets.ts"), "utf8"), fs.readFileSync(path.join(root, "model", "secrets.ts"), "utf8"));
  });
  it("ecs-no-environment-secrets reports DATABASE_URL with a password in it", async () => {
    const rs = JSON.parse(JSON.stringify((await planOf("dev")).resources));
    const task = rs.find((r: any) => r.name === "mesh-blue-task");
    const defs = JSON.parse(task.inputs.containerDefinitions);
    defs[0].environment.push({ name: "DATABASE_URL", value: "postgres://admin:pw@db" }, { name: "UPSTREAM", value: "https://db.internal/x" });
    task.inputs.containerDefinitions = JSON.stringify(defs);
    const found = (await checkResources("dev", rs)).filter((f) => f.policy === "ecs-no-environment-secrets" && f.resource?.name === "mesh-blue-task").map((f) => f.message);
    assert.deepEqual(found, ["container app: move DATABASE_URL from environment to secrets (a Secrets Manager or SSM ARN)"]);
  });
});
