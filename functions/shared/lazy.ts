/**
 * A Lambda entry point whose handler (and its SDK clients) is made on the first invocation,
 * not when the module loads: importing a handler module then costs nothing.
 */
export function lazyHandler<Event, Context, Result>(
  create: () => (event: Event, context?: Context) => Promise<Result>,
): (event: Event, context?: Context) => Promise<Result> {
  let created: ((event: Event, context?: Context) => Promise<Result>) | undefined;
  return (event, context) => {
    created ??= create();
    return created(event, context);
  };
}
