/**
 * moto's server (an AWS API emulator) for integration tests, started and stopped by the test
 * harness on loopback only.
 *
 * moto lives in the pyenv Python (`python3` on an interactive PATH); the system
 * `/usr/bin/python3` lacks it, so this looks for a `python3` that can `import moto.server`
 * instead of assuming the first one found.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export const MOTO_HOST = "127.0.0.1";

/** How to get moto, quoted by every failure to find or start it. */
export const MOTO_INSTALL_HINT =
  "Install it into the python3 on PATH (or pyenv's) with: pip install 'moto[server]'";

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: give it to SDK clients as `endpoint`. */
  endpoint: string;
  /** Forgets every resource created so far (moto's `POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Stops the server (its whole process group) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Where to look for a python3, in order: PATH, then pyenv's shims. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates = ["python3"];
  const pyenvRoots = [
    env.PYENV_ROOT,
    path.join(env.HOME ?? os.homedir(), ".pyenv"),
    "/root/.pyenv",
  ];
  for (const root of pyenvRoots) {
    if (root) candidates.push(path.join(root, "shims", "python3"));
  }
  return [...new Set(candidates)];
}

let found: { python?: string; tried: string[] } | undefined;

/** The first python3 able to `import moto.server`, or undefined; cached. */
export function findMotoPython(): string | undefined {
  found ??= search();
  return found.python;
}

function search(): { python?: string; tried: string[] } {
  const tried: string[] = [];
  for (const candidate of pythonCandidates()) {
    if (candidate.includes(path.sep) && !fs.existsSync(candidate)) continue;
    tried.push(candidate);
    const probe = spawnSync(candidate, ["-c", "import moto.server"], {
      stdio: "ignore",
      timeout: 30_000,
    });
    if (probe.status === 0) return { python: candidate, tried };
  }
  return { tried };
}

/**
 * Throws (so the suite fails, never skips) when no python3 has moto, saying how to install it.
 * Call it from a `before` hook; `startMoto` calls it too.
 */
export function requireMoto(): string {
  const python = findMotoPython();
  if (python) return python;
  throw new Error(
    `moto's server is required for the integration tests, but no python3 can \`import moto.server\` ` +
      `(tried: ${(found?.tried ?? []).join(", ") || "none found"}). ${MOTO_INSTALL_HINT}`,
  );
}

/** A TCP port free on loopback right now: bind port 0, read what the OS gave, release it. */
export function freePort(host = MOTO_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("No free port"))));
    });
  });
}

/** Whether anything answers HTTP at the endpoint (any status code counts). */
function answersHttp(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${endpoint}/moto-api/`, { timeout: 1000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.once("timeout", () => request.destroy());
    request.once("error", () => resolve(false));
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Signals the child's process group (it leads one: spawned `detached`). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || exited(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

const START_TIMEOUT_MS = 20_000;

/** Starts `python3 -m moto.server` on a free loopback port and waits until it answers HTTP. */
export async function startMoto(): Promise<MotoServer> {
  const python = requireMoto();
  const port = await freePort();
  const endpoint = `http://${MOTO_HOST}:${port}`;
  const child = spawn(python, ["-m", "moto.server", "-H", MOTO_HOST, "-p", String(port)], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));

  const stop = async () => {
    killGroup(child, "SIGTERM");
    if (!(await waitForExit(child, 5000))) {
      killGroup(child, "SIGKILL");
      await waitForExit(child, 5000);
    }
    child.stderr?.destroy();
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answersHttp(endpoint))) {
    if (spawnError || exited(child) || Date.now() > deadline) {
      await stop();
      const why = spawnError
        ? `could not be run (${spawnError.message})`
        : exited(child)
          ? `exited with ${child.exitCode ?? child.signalCode}`
          : `did not answer within ${START_TIMEOUT_MS / 1000} s`;
      throw new Error(
        `moto's server (${python} -m moto.server on ${endpoint}) ${why}. stderr:\n${stderr}\n${MOTO_INSTALL_HINT}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const reset = async () => {
    const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
    await response.text();
    if (!response.ok) throw new Error(`moto's reset answered HTTP ${response.status}`);
  };
  return { endpoint, reset, stop };
}
