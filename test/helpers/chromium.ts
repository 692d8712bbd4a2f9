/**
 * A minimal headless-Chromium driver for layout tests: the DevTools protocol over `--remote-debugging-pipe` (commands
 * on fd 3, replies on fd 4, each message NUL-terminated JSON). Enough to load a local page at a given viewport,
 * evaluate expressions in it, switch to print media and take screenshots; no network, no extra dependency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

interface Reply {
  id?: number;
  method?: string;
  params?: Record<string, any>;
  result?: Record<string, any>;
  error?: { message: string };
  sessionId?: string;
}

export class Browser {
  private next = 0;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private readonly waiters: { method: string; resolve: () => void }[] = [];
  private session = '';
  private readonly proc: ChildProcess;

  private constructor(executable: string, profile: string) {
    this.proc = spawn(
      executable,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const out = this.proc.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => this.receive(chunk));
    this.proc.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  /** Start Chromium and attach to its first page. */
  static async launch(executable: string, dir: string): Promise<Browser> {
    const b = new Browser(executable, join(dir, 'profile'));
    const targets = await b.send('Target.getTargets', {}, false);
    const page = (targets.targetInfos as { type: string; targetId: string }[]).find((t) => t.type === 'page');
    if (!page) throw new Error('chromium opened no page');
    const attached = await b.send('Target.attachToTarget', { targetId: page.targetId, flatten: true }, false);
    b.session = attached.sessionId as string;
    await b.send('Page.enable');
    await b.send('Runtime.enable');
    return b;
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\0'); end !== -1; end = this.buffer.indexOf('\0')) {
      const msg = JSON.parse(this.buffer.slice(0, end)) as Reply;
      this.buffer = this.buffer.slice(end + 1);
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg);
      } else if (msg.method) {
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          if (this.waiters[i]!.method === msg.method) this.waiters.splice(i, 1)[0]!.resolve();
        }
      }
    }
  }

  /** Send one DevTools command (to the page session unless `toPage` is false). */
  send(method: string, params: Record<string, unknown> = {}, toPage = true): Promise<Record<string, any>> {
    const id = ++this.next;
    const msg: Record<string, unknown> = { id, method, params };
    if (toPage) msg.sessionId = this.session;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (r) => resolve(r.result ?? {}), reject });
      (this.proc.stdio[3] as Writable).write(JSON.stringify(msg) + '\0');
    });
  }

  private event(method: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ method, resolve }));
  }

  /** Load a URL at a viewport size and wait for its load event. */
  async open(url: string, width: number, height: number): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    const loaded = this.event('Page.loadEventFired');
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** Evaluate an expression in the page and return its (JSON) value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`in the page: ${JSON.stringify(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text)}`);
    return r.result.value as T;
  }

  /** `screen` or `print` CSS media. */
  async media(media: 'screen' | 'print'): Promise<void> {
    await this.send('Emulation.setEmulatedMedia', { media: media === 'print' ? 'print' : '' });
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Buffer> {
    const r = await this.send('Page.captureScreenshot', { format: 'png' });
    return Buffer.from(r.data as string, 'base64');
  }

  /** The page printed to PDF (A4). */
  async pdf(): Promise<Buffer> {
    const r = await this.send('Page.printToPDF', { paperWidth: 8.27, paperHeight: 11.69, printBackground: true });
    return Buffer.from(r.data as string, 'base64');
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) resolve();
      else this.proc.once('exit', () => resolve());
    });
    try {
      await this.send('Browser.close', {}, false);
    } catch {
      // Already gone.
    }
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref())]);
    if (this.proc.exitCode === null) this.proc.kill();
  }
}
