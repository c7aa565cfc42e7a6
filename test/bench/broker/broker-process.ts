import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Messages from the broker process: its port once serving, its CPU time when asked. */
export type BrokerMessage = { port: number } | { cpuMicros: number };

/**
 * `sluice broker` as it is deployed: a process of its own, so that the clients driving it (and the bench's own
 * work) do not share its event loop, and its CPU time per record can be read apart from theirs.
 */
export class BrokerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts a broker on `logDir` with `topics` (one partition each) created. */
  static async start(logDir: string, topics: string[]): Promise<BrokerProcess> {
    const main = fileURLToPath(new URL('./broker-main.ts', import.meta.url));
    const child = fork(main, [logDir, ...topics], { execArgv: process.execArgv, stdio: 'inherit' });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`broker process exited ${code} before serving`)));
      child.once('message', (m: BrokerMessage) => ('port' in m ? resolve(m.port) : undefined));
    });
    return new BrokerProcess(child, port);
  }

  /** User + system CPU time the broker process has used so far, in µs. */
  cpuMicros(): Promise<number> {
    return new Promise((resolve) => {
      const onMessage = (m: BrokerMessage) => {
        if (!('cpuMicros' in m)) return;
        this.child.off('message', onMessage);
        resolve(m.cpuMicros);
      };
      this.child.on('message', onMessage);
      this.child.send('cpu');
    });
  }

  /** Graceful shutdown (SIGTERM closes the log cleanly); resolves once the process is gone. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
