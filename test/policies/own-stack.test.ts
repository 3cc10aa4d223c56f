/**
 * `pulumi preview --policy-pack policies` on this program's own stack: every resource it plans
 * (built under mocks, as the offline job does) through every policy of the pack.
 */
import { strict as assert } from "assert";
import { POLICIES } from "../../policies/pack";
import { buildStack } from "../helpers/program";
import { resourceArgs, stackArgs, validateResource, validateStack } from "../helpers/policy-args";

async function violations(config: Record<string, unknown>): Promise<string[]> {
  const run = await buildStack(config);
  const found: string[] = [];
  for (const policy of POLICIES) {
    const report = (message: string) =>
      found.push(`${policy.name} (${policy.enforcementLevel}): ${message}`);
    if ("validateStack" in policy) {
      const fakes = run.resources.map((r) => ({ type: r.type, name: r.urn, props: r.inputs }));
      const stackPolicy = policy;
      (await validateStack(stackPolicy, stackArgs(fakes))).forEach((v) => report(v.message));
    } else {
      for (const resource of run.resources) {
        const args = resourceArgs(resource.type, resource.inputs, { name: resource.name });
        const resourcePolicy = policy;
        (await validateResource(resourcePolicy, args)).forEach((v) => report(v.message));
      }
    }
  }
  return found;
}

describe("the pack on this program's own stack", function () {
  // Building the stack under mocks loads @pulumi/aws and serializes the Lambdas.
  this.timeout(30000);

  it("finds nothing with the default settings", async () => {
    assert.deepEqual(await violations({}), []);
  });

  it("flags, as advisory, a region that does not record global resources", async () => {
    assert.deepEqual(await violations({ recordGlobalResources: false }), [
      "config-recorder-global-resources (advisory): The configuration recorder must record global resource types (IAM) in one region per account: recordingGroup.includeGlobalResourceTypes is not true. Ignore this in the other regions.",
    ]);
  });
});
