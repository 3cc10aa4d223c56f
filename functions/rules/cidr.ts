/**
 * CIDR blocks as address intervals, so that the whole internet is recognised however it is
 * written: `::/0` and `0:0:0:0:0:0:0:0/0` are the same block, and `0.0.0.0/1` with
 * `128.0.0.0/1` is all of IPv4 as surely as `0.0.0.0/0`. Judging by string would let either
 * through.
 */

export interface CidrBlock {
  /** The text as given, for messages. */
  text: string;
  family: 4 | 6;
  prefix: number;
  first: bigint;
  last: bigint;
}

const FAMILY_BITS = { 4: 32, 6: 128 } as const;

/** How many addresses each family holds. */
export const FAMILY_SIZE = { 4: 1n << 32n, 6: 1n << 128n } as const;

const LAST_IPV4 = FAMILY_SIZE[4] - 1n;
const LAST_IPV6 = FAMILY_SIZE[6] - 1n;

/** The block a CIDR denotes (host bits ignored, as EC2 does), or undefined if it is not one. */
export function parseCidr(text: string): CidrBlock | undefined {
  // The whole internet as AWS writes it, on most public rules: no parsing needed.
  if (text === "0.0.0.0/0") return { text, family: 4, prefix: 0, first: 0n, last: LAST_IPV4 };
  if (text === "::/0") return { text, family: 6, prefix: 0, first: 0n, last: LAST_IPV6 };
  // One slash, found rather than split: array destructuring is slow on code not yet optimized.
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  if (slash < 0 || trimmed.includes("/", slash + 1)) return undefined;
  const address = trimmed.slice(0, slash);
  const prefixText = trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (!address.includes(":")) {
    const value = parseIpv4(address);
    if (value === undefined || prefix > FAMILY_BITS[4]) return undefined;
    // Below 2^32, so exact in doubles: only the bounds are made bigints.
    const size = 2 ** (FAMILY_BITS[4] - prefix);
    const first = value - (value % size);
    return { text, family: 4, prefix, first: BigInt(first), last: BigInt(first + size - 1) };
  }
  const value = parseIpv6(address);
  if (value === undefined || prefix > FAMILY_BITS[6]) return undefined;
  const hostBits = BigInt(FAMILY_BITS[6] - prefix);
  const first = (value >> hostBits) << hostBits;
  return { text, family: 6, prefix, first, last: first + (1n << hostBits) - 1n };
}

/** The address as a whole number (it fits a double exactly), or undefined if it is not one. */
function parseIpv4(address: string): number | undefined {
  // Four octets of one to three digits, read digit by digit (no regular expression or split per
  // octet: accounts hold tens of thousands of rules).
  let value = 0;
  let octets = 0;
  let octet = 0;
  let digits = 0;
  for (let index = 0; index <= address.length; index++) {
    const code = index < address.length ? address.charCodeAt(index) : 46; // "." ends the last
    if (code >= 48 && code <= 57) {
      octet = octet * 10 + (code - 48);
      if (++digits > 3) return undefined;
    } else if (code === 46) {
      if (digits === 0 || octet > 255) return undefined;
      value = value * 256 + octet;
      octets++;
      octet = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  return octets === 4 ? value : undefined;
}

function parseIpv6(address: string): bigint | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half ? half.split(":") : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  // An IPv4 tail (::ffff:10.0.0.1) is two groups.
  const last = tail.length > 0 ? tail : head;
  const dotted = last[last.length - 1];
  if (dotted?.includes(".")) {
    const ipv4 = parseIpv4(dotted);
    if (ipv4 === undefined) return undefined;
    last.splice(
      last.length - 1,
      1,
      Math.floor(ipv4 / 0x10000).toString(16),
      (ipv4 % 0x10000).toString(16),
    );
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...tail];
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
  }
  // One conversion of the 32 hex digits rather than eight bigint shifts.
  return BigInt(`0x${all.map((group) => group.padStart(4, "0")).join("")}`);
}

/** Whether the blocks together hold every address of their family. */
export function coverFamily(blocks: readonly CidrBlock[], family: 4 | 6): boolean {
  // A /0 is the whole family by itself, as on most public rules: nothing to sort.
  // Indexed loops: called for every group, on code not yet optimised, where each step over a
  // list makes an iterator result.
  const sorted: CidrBlock[] = [];
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index] as CidrBlock;
    if (block.family !== family) continue;
    if (block.prefix === 0) return true;
    sorted.push(block);
  }
  if (!inAddressOrder(sorted)) sorted.sort(byFirstAddress);
  let next = 0n;
  for (let index = 0; index < sorted.length; index++) {
    const block = sorted[index] as CidrBlock;
    if (block.first > next) return false;
    if (block.last + 1n > next) next = block.last + 1n;
  }
  return next === FAMILY_SIZE[family];
}

/** Whether the blocks are sorted already, as the halves of the internet are usually written. */
function inAddressOrder(blocks: readonly CidrBlock[]): boolean {
  for (let index = 1; index < blocks.length; index++) {
    if ((blocks[index] as CidrBlock).first < (blocks[index - 1] as CidrBlock).first) return false;
  }
  return true;
}

function byFirstAddress(a: CidrBlock, b: CidrBlock): number {
  return a.first < b.first ? -1 : a.first > b.first ? 1 : 0;
}

export function contains(outer: CidrBlock, inner: CidrBlock): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/**
 * The blocks no other block contains (the first of equal ones): what has to go for the rest to
 * stop adding up to the internet, while narrower blocks inside them are kept.
 */
export function outermost(blocks: readonly CidrBlock[]): CidrBlock[] {
  // One block, as most exposures have: it is its own outermost.
  if (blocks.length === 1) return [...blocks];
  return blocks.filter(
    (block, index) =>
      !blocks.some(
        (other, otherIndex) =>
          otherIndex !== index &&
          contains(other, block) &&
          (!contains(block, other) || otherIndex < index),
      ),
  );
}

/** How a set of blocks that covers a family is named: a /0 by itself, else its blocks. */
export function describeCover(blocks: readonly CidrBlock[]): string {
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index] as CidrBlock;
    if (block.prefix === 0) return block.family === 4 ? "0.0.0.0/0" : "::/0";
  }
  return outermost(blocks)
    .map((block) => block.text.trim())
    .join(" + ");
}
