import { strict as assert } from "assert";
import { coverFamily, describeCover, outermost, parseCidr } from "../../../functions/rules/cidr";

const blocks = (...cidrs: string[]) =>
  cidrs.map((cidr) => {
    const block = parseCidr(cidr);
    assert.ok(block, cidr);
    return block;
  });

describe("CIDR blocks", () => {
  const same: Array<[string, string]> = [
    ["::/0", "0:0:0:0:0:0:0:0/0"],
    ["::/0", "::0/0"],
    ["2001:db8::/32", "2001:0DB8:0:0:0:0:0:0/32"],
    ["10.0.0.0/8", "10.1.2.3/8"],
    ["::ffff:10.0.0.0/104", "::ffff:a00:0/104"],
  ];
  for (const [a, b] of same) {
    it(`${a} is ${b}`, () => {
      const [x, y] = blocks(a, b);
      assert.deepEqual([x?.family, x?.first, x?.last], [y?.family, y?.first, y?.last]);
    });
  }

  for (const bad of [
    "",
    "0.0.0.0",
    "0.0.0.0/33",
    "256.0.0.0/8",
    "1.2.3/8",
    "::/129",
    "1::2::3/64",
    "g::/16",
    "1:2:3:4:5:6:7:8:9/64",
    "10.0.0.0/8/1",
    "10.0.0.0/-1",
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.equal(parseCidr(bad), undefined));
  }

  it("covers a family only without a gap", () => {
    assert.ok(coverFamily(blocks("0.0.0.0/1", "128.0.0.0/1"), 4));
    assert.ok(coverFamily(blocks("128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"), 4));
    assert.ok(!coverFamily(blocks("0.0.0.0/1", "128.0.0.0/2"), 4));
    assert.ok(!coverFamily(blocks("0.0.0.0/0"), 6), "IPv4 blocks say nothing of IPv6");
    assert.ok(coverFamily(blocks("::/1", "8000::/1"), 6));
  });

  it("names a cover by its /0, or by its outermost blocks", () => {
    assert.equal(describeCover(blocks("0:0:0:0:0:0:0:0/0", "::/1")), "::/0");
    assert.equal(
      describeCover(blocks("0.0.0.0/1", "10.0.0.0/8", "128.0.0.0/1")),
      "0.0.0.0/1 + 128.0.0.0/1",
    );
    assert.deepEqual(
      outermost(blocks("10.0.0.0/8", "0.0.0.0/1", "0.0.0.0/1")).map((block) => block.text),
      ["0.0.0.0/1"],
    );
  });
});
