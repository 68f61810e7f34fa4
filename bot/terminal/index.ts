export { CliAdapter, type CliAdapterOptions } from './cli-adapter.js';
export { formatForTerminal, type TerminalFormatOptions } from './cli-format.js';
export { announcementFor, type RemoteChatApi, type RemoteShellOptions, runRemoteShell } from './remote-shell.js';
export { ShellTerminal, type ShellTerminalOptions } from './shell-terminal.js';
