/**
 * Connection settings of the live connectors, parsed from their command-line form.
 *
 * - AMI: `USER:SECRET@HOST[:PORT]` (default port 5038, manager.conf `port`), optionally prefixed
 *   `ami://`; user and secret may be percent-encoded (`%40` for `@`, `%3A` for `:`).
 * - FreeSWITCH event socket: `PASSWORD@HOST[:PORT]` (default port 8021, event_socket.conf.xml
 *   `listen-port`), optionally prefixed `esl://`.
 *
 * IPv6 hosts are written in brackets: `user:pw@[::1]:5038`.
 */

/** AMI connection settings. */
export interface AmiConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly secret: string;
}

/** FreeSWITCH event-socket connection settings. */
export interface EslConfig {
  readonly host: string;
  readonly port: number;
  readonly password: string;
}

/** A malformed connector setting; the message names the option and what is wrong. */
export class ConnectorConfigError extends Error {
  override name = 'ConnectorConfigError';
}

/** Default AMI TCP port (manager.conf). */
export const AMI_DEFAULT_PORT = 5038;
/** Default FreeSWITCH event-socket TCP port (event_socket.conf.xml). */
export const ESL_DEFAULT_PORT = 8021;

/**
 * Parses `--ami USER:SECRET@HOST[:PORT]`.
 * @throws ConnectorConfigError naming the missing or bad part (the secret is never echoed)
 */
export function parseAmiUrl(text: string): AmiConfig {
  const body = stripScheme(text, 'ami', '--ami');
  const at = body.lastIndexOf('@');
  if (at < 0) {
    throw new ConnectorConfigError('--ami: expected USER:SECRET@HOST[:PORT], no "@" found');
  }
  const credentials = body.slice(0, at);
  const colon = credentials.indexOf(':');
  if (colon < 0) {
    throw new ConnectorConfigError('--ami: expected USER:SECRET before "@", no ":" found');
  }
  const username = decode(credentials.slice(0, colon), '--ami', 'user');
  const secret = decode(credentials.slice(colon + 1), '--ami', 'secret');
  if (username === '') throw new ConnectorConfigError('--ami: the user name is empty');
  if (secret === '') throw new ConnectorConfigError('--ami: the secret is empty');
  const { host, port } = hostPort(body.slice(at + 1), AMI_DEFAULT_PORT, '--ami');
  return { host, port, username, secret };
}

/**
 * Parses `--freeswitch PASSWORD@HOST[:PORT]`.
 * @throws ConnectorConfigError naming the missing or bad part (the password is never echoed)
 */
export function parseEslUrl(text: string): EslConfig {
  const body = stripScheme(text, 'esl', '--freeswitch');
  const at = body.lastIndexOf('@');
  if (at < 0) {
    throw new ConnectorConfigError('--freeswitch: expected PASSWORD@HOST[:PORT], no "@" found');
  }
  const password = decode(body.slice(0, at), '--freeswitch', 'password');
  if (password === '') throw new ConnectorConfigError('--freeswitch: the password is empty');
  const { host, port } = hostPort(body.slice(at + 1), ESL_DEFAULT_PORT, '--freeswitch');
  return { host, port, password };
}

/** `host:port` for health display; never contains a secret. */
export function endpointName(config: { host: string; port: number }): string {
  return config.host.includes(':')
    ? `[${config.host}]:${config.port}`
    : `${config.host}:${config.port}`;
}

function stripScheme(text: string, scheme: string, option: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new ConnectorConfigError(`${option}: empty value`);
  const prefix = `${scheme}://`;
  if (trimmed.toLowerCase().startsWith(prefix)) {
    return trimmed.slice(prefix.length).replace(/\/$/, '');
  }
  if (/^[a-z]+:\/\//i.test(trimmed)) {
    throw new ConnectorConfigError(`${option}: unsupported scheme, expected ${prefix} or none`);
  }
  return trimmed;
}

function decode(text: string, option: string, part: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ConnectorConfigError(`${option}: the ${part} has a bad %-escape`);
  }
}

function hostPort(
  text: string,
  defaultPort: number,
  option: string,
): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new ConnectorConfigError(`${option}: unclosed "[" in the host`);
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) {
      throw new ConnectorConfigError(`${option}: unexpected text after the host: "${rest}"`);
    }
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  if (host === '') throw new ConnectorConfigError(`${option}: the host is empty`);
  if (portText === undefined) return { host, port: defaultPort };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new ConnectorConfigError(`${option}: the port is not a number 1-65535: "${portText}"`);
  }
  return { host, port: Number(portText) };
}
