// The shim files with Python's ssl module, making the calls the shims make:
// upsdTLS.py loads its one file with load_cert_chain(certfile=F); upsmonTLS.py
// trusts its file with load_verify_locations and checks --upsdname. The wire is
// theirs too: STARTTLS, a bare OK, then TLS, then a NUT line.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { Daemons, makeStore, nutcaOk, tempDir, toolGate, waitForOutput } from "../stunnel/support.js";

const gate = toolGate(["python3"]);

const SERVER = String.raw`
import socket, ssl, sys
def line(sock):
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data.strip()
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(certfile=sys.argv[1])
listener = socket.create_server(("127.0.0.1", 0))
print("PORT", listener.getsockname()[1], flush=True)
while True:
    conn, _ = listener.accept()
    try:
        if line(conn) == b"STARTTLS":
            conn.sendall(b"OK\n")
            tls = context.wrap_socket(conn, server_side=True)
            if line(tls) == b"GET VAR ups ups.status":
                tls.sendall(b'VAR ups ups.status "OL"\n')
            tls.close()
    except (ssl.SSLError, OSError) as error:
        print("server:", error, flush=True)
        conn.close()
`;

const CLIENT = String.raw`
import socket, ssl, sys
cafile, port, name, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
if mode == "shim":
    context = ssl.SSLContext(protocol=ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile)
else:
    context = ssl.create_default_context(cafile=cafile)
    context.verify_flags |= getattr(ssl, "VERIFY_X509_STRICT", 0)
sock = socket.create_connection(("127.0.0.1", port), timeout=10)
sock.sendall(b"STARTTLS\n")
if not sock.recv(3).startswith(b"OK"):
    sys.exit("no OK to STARTTLS")
try:
    tls = context.wrap_socket(sock, server_hostname=name)
except ssl.SSLCertVerificationError as error:
    print("VERIFY-FAILED", error.verify_message)
    sys.exit(3)
tls.sendall(b"GET VAR ups ups.status\n")
print(tls.recv(100).decode().strip())
`;

describe("TLS shim files with Python ssl", { skip: gate.skip, timeout: 60_000 }, () => {
  let temp: ReturnType<typeof tempDir>;
  const daemons = new Daemons();
  let port: number;
  let clientFile: string;
  let foreignClientFile: string;

  const ask = (cafile: string, name: string, mode: "default" | "shim") => {
    const result = spawnSync("python3", ["-c", CLIENT, cafile, String(port), name, mode], {
      encoding: "utf8",
      timeout: 20_000,
    });
    return { status: result.status, out: (result.stdout + result.stderr).trim() };
  };

  before(async () => {
    gate.check();
    temp = tempDir("nutca-shims-interop-");
    const store = makeStore(join(temp.path, "store"), [
      ["server", "srv", "--dns", "nut.example.test", "--ip", "127.0.0.1"],
    ]);
    const other = makeStore(join(temp.path, "other"), [["server", "srv", "--dns", "nut.example.test"]]);
    const exportTo = (from: string, target: string, dir: string) =>
      nutcaOk(from, ["export", target, "--server", "srv", "--out", join(temp.path, dir)]);
    exportTo(store, "shim-server", "server");
    exportTo(store, "shim-client", "client");
    exportTo(other, "shim-client", "foreign");
    // upsdTLS.py's file holds the key: never readable beyond its owner as written.
    assert.equal(statSync(join(temp.path, "server", "nut.example.test.cert.pem")).mode & 0o777, 0o600);
    clientFile = join(temp.path, "client", "nut.example.test-client.cert.pem");
    foreignClientFile = join(temp.path, "foreign", "nut.example.test-client.cert.pem");
    const server = daemons.start("python3", ["-c", SERVER, join(temp.path, "server", "nut.example.test.cert.pem")]);
    port = Number((await waitForOutput(server, /PORT (\d+)/))[1]);
  });

  after(async () => {
    await daemons.stopAll();
    temp?.remove();
  });

  test("the client file verifies the server file by its DNS name (create_default_context, strict)", () => {
    assert.deepEqual(ask(clientFile, "nut.example.test", "default"), { status: 0, out: 'VAR ups ups.status "OL"' });
  });

  test("the same with upsmonTLS.py's own calls, and an IP --upsdname matching the IP entry", () => {
    assert.deepEqual(ask(clientFile, "nut.example.test", "shim"), { status: 0, out: 'VAR ups ups.status "OL"' });
    assert.deepEqual(ask(clientFile, "127.0.0.1", "shim"), { status: 0, out: 'VAR ups ups.status "OL"' });
  });

  test("a name the certificate does not hold fails the hostname check", () => {
    const result = ask(clientFile, "wrong.example.test", "shim");
    assert.equal(result.status, 3, result.out);
    assert.match(result.out, /VERIFY-FAILED Hostname mismatch/);
  });

  test("a client file from another CA fails the chain", () => {
    const result = ask(foreignClientFile, "nut.example.test", "default");
    assert.equal(result.status, 3, result.out);
    assert.match(result.out, /VERIFY-FAILED unable to get local issuer certificate/);
  });
});
