import { strict as assert } from "assert";
import { lazyHandler } from "../../../functions/shared/lazy";

interface Context {
  requestId: string;
}

/** A lazy handler whose factory counts its calls and whose handler records its arguments. */
function counted() {
  const calls: Array<[number, Context | undefined]> = [];
  let created = 0;
  const handler = lazyHandler<number, Context, string>(() => {
    created++;
    return (event, context) => {
      calls.push([event, context]);
      return Promise.resolve(`result ${event}`);
    };
  });
  return { handler, calls, created: () => created };
}

describe("lazyHandler", () => {
  it("does not make the handler when the entry point is created", () => {
    const { created } = counted();
    assert.equal(created(), 0);
  });

  it("makes the handler on the first invocation and reuses it afterwards", async () => {
    const { handler, created } = counted();
    assert.equal(await handler(1), "result 1");
    assert.equal(created(), 1);
    assert.equal(await handler(2), "result 2");
    assert.equal(await handler(3), "result 3");
    assert.equal(created(), 1);
  });

  it("makes the handler once for concurrent first invocations", async () => {
    const { handler, created } = counted();
    assert.deepEqual(await Promise.all([handler(1), handler(2)]), ["result 1", "result 2"]);
    assert.equal(created(), 1);
  });

  it("passes each invocation's event and context to the handler", async () => {
    const { handler, calls } = counted();
    await handler(1, { requestId: "req-1" });
    await handler(2, { requestId: "req-2" });
    await handler(3);
    assert.deepEqual(calls, [
      [1, { requestId: "req-1" }],
      [2, { requestId: "req-2" }],
      [3, undefined],
    ]);
  });

  it("passes the handler's rejection to the caller, keeping the handler", async () => {
    let created = 0;
    const handler = lazyHandler<number, Context, string>(() => {
      created++;
      return (event) =>
        event < 0 ? Promise.reject(new Error(`negative ${event}`)) : Promise.resolve("ok");
    });
    await assert.rejects(handler(-1), /negative -1/);
    assert.equal(await handler(1), "ok");
    assert.equal(created, 1);
  });

  it("tries the factory again on the next invocation when it failed", async () => {
    let attempts = 0;
    const handler = lazyHandler<number, Context, string>(() => {
      attempts++;
      if (attempts === 1) throw new Error("no credentials yet");
      return () => Promise.resolve("ok");
    });
    await assert.rejects(async () => handler(1), /no credentials yet/);
    assert.equal(await handler(2), "ok");
    assert.equal(attempts, 2);
  });
});
