/**
 * The JSON Schemas of the stack-file format, generated from the zod schema (model/schema) so
 * that YAML editors complete and check what loadMesh reads: `stack.schema.json` for
 * Pulumi.<stack>.yaml (and the stack-format files of examples/), `project.schema.json` for
 * Pulumi.yaml's `config:`. They describe shapes, names, enums and ranges; the cross-references
 * (unknown targets, ports, weights that sum) stay with loadMesh, which an editor cannot run.
 * Written to schema/ by `npm run schema`; a test keeps the checked-in files equal to these.
 */
import * as path from "path";
import { z } from "zod";
import { topology } from "../../model/schema/topology";
import { CONFIG_NAMESPACE, PROJECT_DIR } from "../../stacks/files";
import { schemaDocs, shapeKey, DocsByShape } from "./descriptions";
import { overlaySchema } from "./overlay";

type Schema = Record<string, any>;

export const SCHEMA_DIR = path.join(PROJECT_DIR, "schema");
export const SCHEMA_FILES = { stack: "stack.schema.json", project: "project.schema.json" } as const;

const TOPOLOGY = `${CONFIG_NAMESPACE}:topology`;
const ENVIRONMENT = `${CONFIG_NAMESPACE}:environment`;
const ref = (name: string) => ({ $ref: `#/$defs/${name}` });

/** Both documents, by file name, as the text written to schema/. */
export function schemaTexts(): Record<string, string> {
  const defs = definitions();
  return {
    [SCHEMA_FILES.stack]: text(stackFile(defs)),
    [SCHEMA_FILES.project]: text(projectFile(defs)),
  };
}

function text(doc: Schema): string {
  return JSON.stringify(doc, null, 2) + "\n";
}

function definitions(): Schema {
  const generated = z.toJSONSchema(topology, { io: "input", target: "draft-2020-12" }) as Schema;
  const { $schema: _s, ...shape } = generated;
  const described = describe(clean(shape), schemaDocs(path.join(PROJECT_DIR, "model", "schema")));
  return {
    topology: { title: TOPOLOGY, description: "The topology every environment shares.", ...described },
    environment: { title: ENVIRONMENT, description: "This environment's overrides of the topology: maps merge key by key, null removes a key, lists and values replace.", ...overlaySchema(described) },
    region: { type: "string", pattern: "^[a-z]{2}(-[a-z]+)+-\\d$", description: "The AWS region, such as us-east-1." },
  };
}

/** A Pulumi.<stack>.yaml file: other keys (secrets provider, other packages' config) are Pulumi's. */
function stackFile(defs: Schema): Schema {
  return document("fargate-mesh stack file (Pulumi.<stack>.yaml)", defs, {
    [TOPOLOGY]: ref("topology"),
    [ENVIRONMENT]: ref("environment"),
    "aws:region": ref("region"),
  });
}

/**
 * Pulumi.yaml: a project-level value is written `key: { value: … }`, and must be when it is an
 * object (Pulumi reads a bare map as the key's declaration); a plain value may stand alone.
 */
function projectFile(defs: Schema): Schema {
  const wrapped = (name: string) => ({
    type: "object", properties: { value: ref(name), description: { type: "string" }, type: { type: "string" }, secret: { type: "boolean" } }, required: ["value"], additionalProperties: false,
  });
  return document("fargate-mesh project file (Pulumi.yaml)", defs, {
    [TOPOLOGY]: wrapped("topology"),
    [ENVIRONMENT]: wrapped("environment"),
    "aws:region": { anyOf: [wrapped("region"), ref("region")] },
  });
}

function document(title: string, defs: Schema, config: Schema): Schema {
  // A project named fargate-mesh may leave its own keys unqualified, as Pulumi qualifies them with the project name.
  const unqualified = Object.fromEntries(Object.entries(config)
    .filter(([k]) => k.startsWith(`${CONFIG_NAMESPACE}:`))
    .map(([k, v]) => [k.slice(CONFIG_NAMESPACE.length + 1), { ...v, description: `${k}, in a project named ${CONFIG_NAMESPACE}.` }]));
  const known = Object.keys(config).filter((k) => k.startsWith(`${CONFIG_NAMESPACE}:`)).map((k) => k.slice(CONFIG_NAMESPACE.length + 1));
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title,
    type: "object",
    properties: {
      config: {
        type: "object",
        properties: { ...config, ...unqualified },
        // Any other key of fargate-mesh's namespace is a misspelling (fargate-mesh:enviroment).
        patternProperties: { [`^${CONFIG_NAMESPACE}:(?!(${known.join("|")})$)`]: false },
      },
    },
    $defs: defs,
  };
}

/** zod's own string formats (starts_with, …) are not JSON Schema formats; their pattern says the same. */
function clean(s: unknown): any {
  if (Array.isArray(s)) return s.map(clean);
  if (s === null || typeof s !== "object") return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "format" && ["starts_with", "ends_with", "includes", "regex"].includes(v as string)) continue;
    out[k] = clean(v);
  }
  return out;
}

/** Adds each property's doc comment from the zod sources (descriptions.ts). */
function describe(s: Schema, docs: DocsByShape): Schema {
  if (Array.isArray(s)) return s.map((x) => describe(x, docs)) as unknown as Schema;
  if (s === null || typeof s !== "object") return s;
  const out: Schema = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === "properties" ? v : describe(v, docs)]));
  if (s.properties) {
    const comments = docs.get(shapeKey(Object.keys(s.properties))) ?? {};
    out.properties = Object.fromEntries(Object.entries(s.properties as Record<string, Schema>).map(([k, v]) => {
      const inner = describe(v, docs);
      return [k, comments[k] && !inner.description ? { description: comments[k], ...inner } : inner];
    }));
  }
  return out;
}
