// A tutorscore server for the tests: the real binary (TUTORSCORE_BIN, default
// ../target/debug/tutorscore) on a free loopback port, with a fresh SQLite database in a
// temporary folder and the built dashboard. It can be killed and started again on the same port
// and database.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontendDir = fileURLToPath(new URL('..', import.meta.url));
const binary = resolve(frontendDir, process.env.TUTORSCORE_BIN ?? '../target/debug/tutorscore');
const dashboardDir = join(frontendDir, 'dist');
/** The demo admin, whose sign-in the test helpers use on a server with people. */
export const DEMO_ADMIN = 'ada.admin@demo.tutorscore.example';

/**
 * What a started server must have done before a test looks: the scores, and the predictions
 * the first promoted fit brings (the model is fitted on a queue of its own and each tutor with
 * a booking is then recomputed, so predictions follow the scores by a moment). The session
 * sorted least risky first is one without a prediction while any is left.
 */
const READINESS = `{
  overview { tutors unscored }
  predictionModels(last: 1) { promoted }
  upcomingSessions(first: 1, sort: { direction: ASC }) { totalCount edges { node { prediction { probability } } } }
}`;

interface Readiness {
  overview: { tutors: number; unscored: number };
  predictionModels: { promoted: boolean }[];
  upcomingSessions: { totalCount: number; edges: { node: { prediction: { probability: number } | null } }[] };
}

function isReady({ overview, predictionModels, upcomingSessions }: Readiness): boolean {
  if (overview.tutors === 0 || overview.unscored > 0) return false;
  if (upcomingSessions.totalCount === 0) return true;
  const fit = predictionModels[0];
  if (!fit) return false;
  return !fit.promoted || upcomingSessions.edges[0]?.node.prediction != null;
}

export interface ServerOptions {
  /** `API_KEYS` for the server, e.g. `viewer:secret`; none leaves it open. */
  apiKeys?: string;
  /** Create the demo users (people then sign in). */
  demoUsers?: boolean;
}

export class TutorscoreServer {
  private process: ChildProcess | undefined;
  private readonly dir: string;
  readonly port: number;
  private readonly options: ServerOptions;
  /** The demo people's one-time passwords by email, as printed once at first start. */
  readonly passwords = new Map<string, string>();
  /** The session cookie `graphql()` sends when the server has people (the demo admin's). */
  private cookie: string | undefined;

  private constructor(dir: string, port: number, options: ServerOptions) {
    this.dir = dir;
    this.port = port;
    this.options = options;
  }

  /**
   * Starts a server with a new database and waits until every demo tutor is scored and, once
   * the model's first fit is promoted, every booked session of the next 48 hours predicted.
   */
  static async start(options: ServerOptions = {}): Promise<TutorscoreServer> {
    if (!existsSync(binary)) throw new Error(`no server binary at ${binary}: build it or set TUTORSCORE_BIN`);
    if (!existsSync(join(dashboardDir, 'index.html'))) throw new Error('no dist/index.html: run `npm run build` first');
    const server = new TutorscoreServer(await mkdtemp(join(tmpdir(), 'tutorscore-e2e-')), await freePort(), options);
    await server.restart();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the process on the same port and database and waits until it answers. */
  async restart(): Promise<void> {
    const log = createWriteStream(join(this.dir, 'server.log'), { flags: 'a' });
    const child = spawn(binary, [], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite://${join(this.dir, 'db.sqlite')}?mode=rwc`,
        LISTEN_ADDR: `127.0.0.1:${this.port}`,
        DASHBOARD_DIR: dashboardDir,
        API_KEYS: this.options.apiKeys ?? '',
        // Email stays off: the session reports would pile up as files in the working folder.
        EMAIL_TO: '',
        // Open (no sign-in) unless a test asks for people.
        DEMO_USERS: this.options.demoUsers ? 'true' : 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    // "  coach   ben.coach@demo.tutorscore.example  <password>" lines, printed at first start.
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^\s+(?:admin|coach|viewer)\s+(\S+@\S+)\s+(\S+)\s*$/.exec(line);
        if (match?.[1] && match[2]) this.passwords.set(match[1], match[2]);
      }
    });
    this.process = child;
    await this.waitUntilScored(child);
  }

  /** Ends the process at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Stops the process and deletes its database. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The one-time password of a demo person (servers started with `demoUsers`). */
  password(email: string): string {
    const password = this.passwords.get(email);
    if (!password) throw new Error(`no demo password printed for ${email}`);
    return password;
  }

  /** Signs in over HTTP and returns the session cookie (`name=value`). */
  async signIn(email: string, password: string): Promise<string> {
    const response = await fetch(`${this.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    if (!response.ok || !cookie) throw new Error(`sign-in as ${email}: ${response.status} ${await response.text()}`);
    return cookie;
  }

  /** Runs a GraphQL operation over HTTP and returns its data, failing on errors. */
  async graphql<T>(query: string, variables: Record<string, unknown> = {}, key?: string): Promise<T> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(!key && this.cookie ? { cookie: this.cookie } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (!response.ok || body.errors || !body.data) {
      throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
    }
    return body.data;
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
  }

  private async waitUntilScored(child: ChildProcess): Promise<void> {
    const key = this.options.apiKeys?.split(',')[0]?.split(':')[1];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${await this.logTail()}`);
      try {
        if (this.options.demoUsers && !this.cookie && this.passwords.has(DEMO_ADMIN)) {
          this.cookie = await this.signIn(DEMO_ADMIN, this.password(DEMO_ADMIN));
        }
        const ready = await this.graphql<Readiness>(READINESS, {}, key);
        if (isReady(ready)) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((done) => setTimeout(done, 200));
    }
    throw new Error(`server not ready within 60 s:\n${await this.logTail()}`);
  }

  private async logTail(): Promise<string> {
    return (await readFile(join(this.dir, 'server.log'), 'utf8')).split('\n').slice(-30).join('\n');
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}
