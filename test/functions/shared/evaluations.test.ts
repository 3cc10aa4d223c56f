import { strict as assert } from "assert";
import { Verdict } from "../../../functions/rules/verdict";
import {
  MAX_ANNOTATION_LENGTH,
  MAX_EVALUATIONS_PER_CALL,
  chunk,
  toEvaluation,
  truncateAnnotation,
} from "../../../functions/shared/evaluations";

/** `length` characters that differ along the string, so a wrong cut shows. */
function text(length: number): string {
  return Array.from({ length }, (_, index) => String.fromCharCode(97 + (index % 26))).join("");
}

describe("evaluations", () => {
  it("has PutEvaluations' limits: 100 evaluations a call, 256-character annotations", () => {
    assert.equal(MAX_EVALUATIONS_PER_CALL, 100);
    assert.equal(MAX_ANNOTATION_LENGTH, 256);
  });

  describe("truncateAnnotation", () => {
    const kept: number[] = [0, 1, 255, 256];
    for (const length of kept) {
      it(`keeps an annotation of ${length} characters as it is`, () => {
        const annotation = text(length);
        assert.equal(truncateAnnotation(annotation), annotation);
      });
    }

    const cut: number[] = [257, 258, 1000];
    for (const length of cut) {
      it(`cuts an annotation of ${length} characters to 256, ending in "..."`, () => {
        const annotation = text(length);
        const truncated = truncateAnnotation(annotation);
        assert.equal(truncated.length, 256);
        assert.equal(truncated, `${annotation.slice(0, 253)}...`);
      });
    }
  });

  describe("toEvaluation", () => {
    const ordering = new Date("2025-06-10T08:14:52.318Z");

    it("maps a verdict's fields to PutEvaluations' names, with the ordering timestamp", () => {
      const verdict: Verdict = {
        resourceType: "AWS::EC2::SecurityGroup",
        resourceId: "sg-0123456789abcdef0",
        compliance: "NON_COMPLIANT",
        annotation: "22/tcp is open to 0.0.0.0/0.",
      };
      assert.deepEqual(toEvaluation(verdict, ordering), {
        ComplianceResourceType: "AWS::EC2::SecurityGroup",
        ComplianceResourceId: "sg-0123456789abcdef0",
        ComplianceType: "NON_COMPLIANT",
        Annotation: "22/tcp is open to 0.0.0.0/0.",
        OrderingTimestamp: new Date("2025-06-10T08:14:52.318Z"),
      });
    });

    it("truncates a long annotation to what Config accepts", () => {
      const annotation = text(300);
      const evaluation = toEvaluation(
        {
          resourceType: "AWS::IAM::User",
          resourceId: "AIDA2G65BPRJX3MQADPTP",
          compliance: "COMPLIANT",
          annotation,
        },
        ordering,
      );
      assert.equal(evaluation.Annotation, `${annotation.slice(0, 253)}...`);
      assert.equal(evaluation.ComplianceType, "COMPLIANT");
    });
  });

  describe("chunk", () => {
    const boundaries: Array<[number, number[]]> = [
      [0, []],
      [1, [1]],
      [99, [99]],
      [100, [100]],
      [101, [100, 1]],
      [200, [100, 100]],
      [250, [100, 100, 50]],
    ];
    for (const [count, sizes] of boundaries) {
      it(`splits ${count} items into batches of ${JSON.stringify(sizes)}`, () => {
        const items = Array.from({ length: count }, (_, index) => index);
        const chunks = chunk(items, MAX_EVALUATIONS_PER_CALL);
        assert.deepEqual(
          chunks.map((batch) => batch.length),
          sizes,
        );
        // Every item once, in order.
        assert.deepEqual(chunks.flat(), items);
      });
    }

    for (const size of [0, -1, 1.5, Number.NaN]) {
      it(`refuses a batch size of ${size} instead of looping`, () => {
        assert.throws(() => chunk([1, 2], size), /not a positive integer/);
      });
    }

    it("leaves its input as it was", () => {
      const items = ["a", "b", "c"];
      assert.deepEqual(chunk(items, 2), [["a", "b"], ["c"]]);
      assert.deepEqual(items, ["a", "b", "c"]);
    });
  });
});
