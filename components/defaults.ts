/**
 * `{ ...defaults, ...args }` where an argument explicitly set to undefined still takes the
 * default (a plain spread would let `{ create: undefined }` erase it).
 */
export function withDefaults<D extends object, A extends object>(defaults: D, args: A): D & A {
  const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
  return { ...defaults, ...given } as D & A;
}
