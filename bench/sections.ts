/**
 * The bench's tables that the README quotes, between markers, so they are copied by the bench
 * itself and never typed by hand: `npm run bench` writes them into bench/results.md and into
 * the README, and a test fails when the README's differ from the results'.
 */
export const SECTIONS = ["scale", "packages", "offline", "report", "cost", "organization"] as const;
export type Section = (typeof SECTIONS)[number];

const start = (name: Section) => `<!-- bench:${name}:start -->`;
const end = (name: Section) => `<!-- bench:${name}:end -->`;

export function section(name: Section, lines: readonly string[]): string[] {
  return [start(name), ...lines, end(name)];
}

/** The lines between a section's markers, or undefined when the text lacks them. */
export function readSection(text: string, name: Section): string | undefined {
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  if (from < 0 || to < from) return undefined;
  return text.slice(from + start(name).length, to);
}

/** The text with a section's content replaced by the same section of `source`. */
export function copySection(text: string, source: string, name: Section): string {
  const content = readSection(source, name);
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  if (content === undefined || from < 0 || to < from) {
    throw new Error(`bench section ${name} is missing its markers`);
  }
  return `${text.slice(0, from + start(name).length)}${content}${text.slice(to)}`;
}
