import { PID_MARKER } from './remote-command.js';

/**
 * Takes the remote shell's pid line (see `PID_MARKER`) off the front of stderr and passes the rest
 * through. If the first line is not the marker (a login shell that is not POSIX), everything passes.
 */
export class RemotePidFilter {
  #head = '';
  #done = false;
  pid: number | undefined;

  /** Returns the part of `data` that is real stderr output. */
  push(data: string): string {
    if (this.#done) return data;
    this.#head += data;
    const nl = this.#head.indexOf('\n');
    if (nl < 0) {
      if (this.#head.length <= PID_MARKER.length + 12) return '';
      return this.#release(this.#head);
    }
    const line = this.#head.slice(0, nl);
    const match = line.startsWith(PID_MARKER) ? /^\d+$/.exec(line.slice(PID_MARKER.length)) : null;
    if (match) {
      this.pid = Number(match[0]);
      return this.#release(this.#head.slice(nl + 1));
    }
    return this.#release(this.#head);
  }

  #release(rest: string): string {
    this.#done = true;
    this.#head = '';
    return rest;
  }
}
