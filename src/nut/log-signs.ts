/**
 * What a daemon logs after a restart when its TLS set-up failed, and when it
 * worked (nut-tls.md, "Installing on a host"): install.sh's verification greps
 * the log written since its restart for these.
 */
export type LoggedDaemon = "upsd" | "upsmon";

const BOTH_BACKENDS = [
  // NSS
  "Can not find server certificate",
  "Can not find private key",
  "nss_error",
  // OpenSSL
  "SSL_CTX_use_PrivateKey_file",
  "SSL_CTX_use_certificate_chain_file",
  "failed to initialize OpenSSL backend",
  "invalid directive",
  // 2.8.6 aborts instead of falling back to plaintext
  "SSL configuration was specified, but NUT server failed to initialize",
];

export const FAILURE_LINES: Readonly<Record<LoggedDaemon, readonly string[]>> = {
  upsd: BOTH_BACKENDS,
  upsmon: [...BOTH_BACKENDS, "Certificate validation failed", "Can not connect to NUT server"],
};

/** A basic regular expression (grep) for upsmon's proof that it logged in over TLS. */
export const UPSMON_CONNECTED = "Connected to NUT server .* in SSL";
