import { describe, expect, it } from 'vitest';
import { LinePrefixer } from '../../../engine/runners/line-prefixer.js';
import { PID_MARKER, remoteCommand, shellQuote } from '../../../engine/runners/remote-command.js';
import { RemotePidFilter } from '../../../engine/runners/remote-pid-filter.js';
import { parseHosts } from '../../../engine/runners/ssh-hosts.js';

describe('remote runner helpers', () => {
  it('parses hosts with and without ports, IPv6 in brackets, dropping repeats', () => {
    expect(parseHosts(' web1, web2:2222 ,[::1]:2200,web1', 22)).toEqual([
      { label: 'web1', host: 'web1', port: 22 },
      { label: 'web2:2222', host: 'web2', port: 2222 },
      { label: '[::1]:2200', host: '::1', port: 2200 },
    ]);
    expect(() => parseHosts(' , ', 22)).toThrow(/no host/);
    expect(() => parseHosts('web:99999', 22)).toThrow(/invalid port/);
  });

  it('quotes env values and cwd, and rejects env names that would be shell text', () => {
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    const line = remoteCommand({ cmd: 'run', cwd: '/a b', env: { A: "x'y" }, sudo: false });
    expect(line.endsWith(`cd '/a b' && export A='x'\\''y' && run`)).toBe(true);
    expect(() => remoteCommand({ cmd: 'run', env: { 'A;rm': '1' }, sudo: false })).toThrow(/not valid/);
    expect(remoteCommand({ cmd: 'id', env: {}, sudo: true })).toContain(`sudo -n -E -- bash -c 'id'`);
  });

  it('strips the pid marker from stderr even when it arrives in pieces', () => {
    const f = new RemotePidFilter();
    expect(f.push(PID_MARKER.slice(0, 5))).toBe('');
    expect(f.push(`${PID_MARKER.slice(5)}4242\nreal `)).toBe('real ');
    expect(f.push('error\n')).toBe('error\n');
    expect(f.pid).toBe(4242);
    const other = new RemotePidFilter();
    expect(other.push('fish: unknown\n')).toBe('fish: unknown\n');
    expect(other.pid).toBeUndefined();
  });

  it('prefixes each line once, however the chunks split', () => {
    const p = new LinePrefixer('[h] ');
    expect(p.push('a\nb') + p.push('c\n') + p.push('\nd')).toBe('[h] a\n[h] bc\n[h] \n[h] d');
  });
});
