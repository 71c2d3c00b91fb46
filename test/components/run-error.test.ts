/**
 * A description's problems reach the user of `pulumi up` as a message, not as a crash: Pulumi
 * prints a RunError's message alone, and anything else as "unhandled exception" with its stack.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { loadMesh } from "../../model/load";
import { ConfigError } from "../../model/errors";

describe("a description's problems under pulumi up", () => {
  it("are a RunError, whose stack Pulumi hides", () => {
    // GIVEN a description with a problem, WHEN a program lets loadMesh's error through
    const thrown = (() => { try { loadMesh({ topology: { mesh: { name: "x" } } as never, stack: "dev", region: "us-east-1" }); } catch (e) { return e; } })();
    // THEN it is the ConfigError listing every problem, and Pulumi takes it for a RunError
    assert.ok(thrown instanceof ConfigError);
    assert.ok(pulumi.RunError.isInstance(thrown));
    assert.match((thrown as Error).message, /^mesh configuration is invalid \(2 problems\):\n  - namespace: is required\n  - services: is required$/);
  });
});
