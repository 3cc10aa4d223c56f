import { strict as assert } from "assert";
import { collectPages } from "../../../functions/shared/paginate";

interface Page {
  Items?: string[];
}

async function* pagesOf(...pages: Page[]): AsyncGenerator<Page> {
  for (const page of pages) {
    await Promise.resolve(); // A page arrives later, as from the SDK.
    yield page;
  }
}

describe("collectPages", () => {
  const cases: Array<[string, Page[], string[]]> = [
    ["no pages", [], []],
    ["one page", [{ Items: ["a", "b"] }], ["a", "b"]],
    [
      "several pages, in order",
      [{ Items: ["a", "b"] }, { Items: ["c"] }, { Items: ["d", "e", "f"] }],
      ["a", "b", "c", "d", "e", "f"],
    ],
    [
      "pages without items (undefined) and empty pages",
      [{ Items: ["a"] }, {}, { Items: undefined }, { Items: [] }, { Items: ["b"] }],
      ["a", "b"],
    ],
    ["only pages without items", [{}, {}], []],
  ];
  for (const [what, pages, expected] of cases) {
    it(`collects the items of ${what}`, async () => {
      assert.deepEqual(await collectPages(pagesOf(...pages), (page) => page.Items), expected);
    });
  }

  it("reads every page through the accessor, once each", async () => {
    const pages: Page[] = [{ Items: ["a"] }, { Items: ["b"] }, {}];
    const seen: Page[] = [];
    await collectPages(pagesOf(...pages), (page) => {
      seen.push(page);
      return page.Items;
    });
    assert.equal(seen.length, 3);
    assert.ok(seen.every((page, index) => page === pages[index]));
  });

  it("rejects with the error of a page that fails", async () => {
    async function* failing(): AsyncGenerator<Page> {
      yield { Items: ["a"] };
      await Promise.resolve();
      throw new Error("ThrottlingException: Rate exceeded");
    }
    await assert.rejects(
      collectPages(failing(), (page) => page.Items),
      /ThrottlingException: Rate exceeded/,
    );
  });
});
