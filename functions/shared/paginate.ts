/** All items of a paginated AWS listing, from one of the SDK's `paginateXxx` iterators. */
export async function collectPages<Page, Item>(
  pages: AsyncIterable<Page>,
  items: (page: Page) => readonly Item[] | undefined,
): Promise<Item[]> {
  const collected: Item[] = [];
  for await (const page of pages) collected.push(...(items(page) ?? []));
  return collected;
}
