/**
 * The one error type every capability throws. `code` is stable and
 * documented; `exitCode` follows the table in README ("Exit codes").
 */

/** Exit statuses of the whole tool. A released status never changes meaning. */
export const EXIT = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  badInput: 3,
  localState: 4,
  network: 5,
  internal: 70,
  aborted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Options for an MtlsError beyond its code and message. */
export interface MtlsErrorOptions {
  /** The next command or change that fixes the problem. */
  hint?: string;
  cause?: unknown;
  /** Further lines, each a separate problem (manifest validation). */
  details?: string[];
}

/** A failure with a stable code, an exit status and an optional hint. */
export class MtlsError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly details: string[];

  constructor(
    code: string,
    exitCode: ExitCode,
    message: string,
    options: MtlsErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MtlsError';
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

/** A usage error: bad flags or arguments (exit 2). */
export function usageError(code: string, message: string, hint?: string): MtlsError {
  return new MtlsError(code, EXIT.usage, message, { hint });
}

/** Bad input data: a file that cannot be read as what it should be (exit 3). */
export function inputError(code: string, message: string, hint?: string): MtlsError {
  return new MtlsError(code, EXIT.badInput, message, { hint });
}

/** Local state: missing CA, refusing to overwrite, unwritable paths (exit 4). */
export function stateError(code: string, message: string, hint?: string): MtlsError {
  return new MtlsError(code, EXIT.localState, message, { hint });
}

/** Every stable error code with its exit status and meaning, for help and README. */
export const ERROR_CODES: ReadonlyArray<[code: string, exit: ExitCode, meaning: string]> = [
  ['USAGE', EXIT.usage, 'unknown command or option, missing or conflicting argument'],
  ['USAGE_INVALID_VALUE', EXIT.usage, 'an option value is malformed (key type, duration, name)'],
  ['USAGE_NO_TTY', EXIT.usage, 'a value is needed and there is no terminal to ask for it'],
  ['PASSPHRASE_REQUIRED', EXIT.usage, 'an encrypted key needs a passphrase file or variable'],
  ['PASSPHRASE_WRONG', EXIT.badInput, 'the passphrase does not open the key'],
  ['FILE_NOT_FOUND', EXIT.badInput, 'an input file does not exist or cannot be read'],
  ['PEM_UNPARSEABLE', EXIT.badInput, 'a file holds no certificate or key mtlsctl can read'],
  ['MANIFEST_INVALID', EXIT.badInput, 'the manifest has errors (all are listed)'],
  ['INPUT_TOO_LARGE', EXIT.badInput, 'an input would take too long to process'],
  ['K8S_UNPARSEABLE', EXIT.badInput, 'a Kubernetes YAML file has syntax errors (all are listed)'],
  ['K8S_NO_WORKLOADS', EXIT.badInput, 'the Kubernetes input holds no Deployment, StatefulSet or DaemonSet'],
  ['CA_NOT_FOUND', EXIT.localState, 'no CA in the CA directory: run mtlsctl init'],
  ['CA_INVALID', EXIT.localState, 'the CA directory is incomplete or inconsistent'],
  ['REFUSE_OVERWRITE', EXIT.localState, 'a file exists and --force was not given'],
  ['WRITE_FAILED', EXIT.localState, 'a file or directory cannot be written'],
  ['LOCKED', EXIT.localState, 'another mtlsctl holds the CA lock'],
  ['CA_EXPIRED', EXIT.localState, 'the issuing CA has expired: create a new one'],
  ['SAN_NOT_PERMITTED', EXIT.badInput, 'a manifest name lies outside the CA name constraints'],
  ['TRUST_DOMAIN_MISMATCH', EXIT.badInput, "the manifest's trustDomain is not the CA's"],
  ['P12_PASSWORD_REQUIRED', EXIT.usage, 'a service asks for PKCS#12 and no password is set'],
  ['CONNECT_REFUSED', EXIT.network, 'the endpoint refused the TCP connection'],
  ['CONNECT_TIMEOUT', EXIT.network, 'no connection or TLS handshake within the timeout'],
  ['CONNECT_FAILED', EXIT.network, 'the endpoint host name cannot be resolved'],
  ['NOT_TLS', EXIT.network, 'the endpoint answered, but not with TLS'],
  ['TLS_HANDSHAKE_FAILED', EXIT.network, 'the TLS handshake failed before the server sent its chain'],
  ['CERT_IS_CA', EXIT.badInput, 'a certificate file for a service starts with a CA certificate (ca.pem for chain.pem)'],
  ['PROBE_FILES_UNUSABLE', EXIT.badInput, 'probe: TLS refuses the given certificate, key or CA bundle (key too small, unsupported algorithm)'],
  ['PROBE_LISTEN_FAILED', EXIT.localState, 'probe --listen cannot bind its address (in use or not local)'],
  ['INTERNAL', EXIT.internal, 'a bug in mtlsctl: please report it'],
  ['ABORTED', EXIT.aborted, 'interrupted or prompt cancelled'],
];
