/**
 * "Did you mean …?": a misspelt name gets the known name it most likely stands for, and nothing
 * when no known name is close (a wrong guess would send the user to the wrong place).
 */
import { strict as assert } from "assert";
import { validateMesh } from "../../model/load";
import { closest } from "../../model/suggest";
import { fruit } from "./fruit-fixture";

const issuesOf = (i: ReturnType<typeof fruit>) => { const r = validateMesh(i); return r.ok ? [] : r.issues; };

describe("names that refer to something", () => {
  it("an unknown target, backend or gateway target says which name was meant, when one is close", () => {
    const input = fruit({ routers: { fruit: { routes: { split: { targets: { plum: null, plun: 1 } } } } } });
    input.topology.services.apple.backends = ["fruits"];
    input.topology.gateway.routes["to-apple"].target = "kiwi";
    const found = issuesOf(input);
    assert.deepEqual(found.map((i) => `${i.path}: ${i.message}`), [
      "services.apple.backends[0]: unknown service or router \"fruits\" (did you mean fruit?); known: apple, pear, plum, fruit",
      "routers.fruit.routes.split.targets.plun: unknown service \"plun\" (did you mean plum?); known: apple, pear, plum (set in Pulumi.test.yaml)",
      "gateway.routes.to-apple.target: unknown service or router \"kiwi\"; known: apple, pear, plum, fruit",
    ]);
  });
});

describe("the guess of a misspelt name", () => {
  const names = ["red", "blue", "green", "yellow", "environment"];
  it("finds a name one slip away: a letter missing, added, changed, two swapped, or another case", () => {
    for (const [typo, meant] of [["yelow", "yellow"], ["yelllow", "yellow"], ["yellaw", "yellow"], ["yellwo", "yellow"], ["Yellow", "yellow"], ["enviroment", "environment"], ["rde", "red"]])
      assert.equal(closest(typo, names), meant, typo);
  });

  it("allows one edit per three characters of the longer name, and no more", () => {
    assert.equal(closest("bleu", names), "blue"); // one swap in four letters
    assert.equal(closest("yelw", names), "yellow"); // two edits in six letters
    assert.equal(closest("yxxxow", names), undefined); // three edits in six letters
    assert.equal(closest("rxd", names), "red");
    assert.equal(closest("xxd", names), undefined); // two edits in three letters
  });

  it("guesses nothing when nothing is close, rather than the least far", () => {
    for (const typo of ["purple", "orange", "kiwi", "r", ""]) assert.equal(closest(typo, names), undefined, typo);
    assert.equal(closest("red", []), undefined);
  });

  it("prefers the nearer name, and of two as near the first", () => {
    assert.equal(closest("gren", ["grey", "green"]), "grey");
    assert.equal(closest("greeen", ["grey", "green"]), "green");
  });
});
