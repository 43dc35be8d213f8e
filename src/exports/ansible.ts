/**
 * The Ansible layout: an inventory of the fleet, a playbook that runs each
 * host's install.sh, and the hosts' bundles under files/. Pure: the bundles
 * come built (by the export targets), this only places them and writes the
 * inventory, playbook and README text. One installer, two ways to run it.
 */
import { NutcaError } from "../errors.js";
import type { NutBackend } from "../nut/backend.js";
import { isIpAddress, parseDnsName, parseIpAddress } from "../pki/names.js";
import { MODE, type Bundle, type BundleFile } from "./bundle.js";
import { readmeFile } from "./nut-common.js";
import { protectionLines, targetKey } from "./security-render.js";

/** Where Ansible reaches a host: `[user@]host[:port]`, IPv6 as `[addr]:port` or bare without a port. */
export interface HostAddress {
  readonly host: string;
  readonly user?: string;
  readonly port?: number;
}

export interface AnsibleHost {
  /** The certificate's name: the inventory name, and files/<name>/. */
  readonly name: string;
  readonly group: "nut_servers" | "nut_clients";
  readonly target: "upsd" | "upsmon";
  readonly address: HostAddress;
  readonly bundle: Bundle;
}

export interface AnsibleLayout {
  readonly hosts: readonly AnsibleHost[];
  readonly backend: NutBackend;
  /** Written as ansible_connection for every host (e.g. local); Ansible's default (ssh) when undefined. */
  readonly connection?: string | undefined;
}

export const PLAYBOOK = "site.yml";
export const INVENTORY = "inventory.yml";
const TASKS = "install-bundle.yml";

export function parseHostAddress(text: string, where: string): HostAddress {
  const bad = (why: string) =>
    new NutcaError("USAGE", `${where} ${JSON.stringify(text)} ${why}`, "write [user@]host[:port], e.g. admin@ups1:22");
  const value = text.trim();
  const at = value.lastIndexOf("@");
  const user = at < 0 ? undefined : value.slice(0, at);
  if (user !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(user)) throw bad("has no valid user before @");
  const rest = value.slice(at + 1);
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  const colons = rest.split(":").length - 1;
  const [hostText, portText] = bracketed
    ? [bracketed[1]!, bracketed[2]]
    : colons === 1
      ? [rest.slice(0, rest.indexOf(":")), rest.slice(rest.indexOf(":") + 1)]
      : [rest, undefined];
  let port: number | undefined;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
    if (port < 1 || port > 65535) throw bad("has no port from 1 to 65535 after the colon");
  }
  if (hostText === "") throw bad("names no host");
  let host: string;
  try {
    host = isIpAddress(hostText) || hostText.includes(":") ? parseIpAddress(hostText) : parseDnsName(hostText);
  } catch {
    throw bad("is no host name or IP address");
  }
  return { host, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
}

/** The whole output directory: inventory, playbook, README and every host's bundle under files/. */
export function ansibleBundle(layout: AnsibleLayout): Bundle {
  const nested: BundleFile[] = layout.hosts.flatMap((host) =>
    host.bundle.files.map((file) => ({ ...file, path: `${bundleDir(host)}/${file.path}` })),
  );
  const directories = layout.hosts.flatMap((host) => [
    ...(host.bundle.directories ?? []).map((dir) => ({ ...dir, path: `${bundleDir(host)}/${dir.path}` })),
  ]);
  const text = (path: string, data: string, purpose: string): BundleFile => ({
    path,
    data,
    mode: MODE.publicFile,
    purpose,
  });
  return {
    target: "ansible",
    files: [
      text(INVENTORY, inventoryYaml(layout), "the hosts, by role, with their addresses and bundles"),
      text(PLAYBOOK, PLAYBOOK_TEXT, "the playbook: upsd hosts first, then upsmon hosts"),
      text(TASKS, TASKS_TEXT, "the tasks site.yml runs on each host"),
      readmeFile(readmeLines(layout)),
      ...nested,
    ],
    directories,
    summary: [
      `${layout.hosts.length} host(s); run from this directory:`,
      `  ansible-playbook -i ${INVENTORY} ${PLAYBOOK} --check -v   # install.sh --dry-run on each host`,
      `  ansible-playbook -i ${INVENTORY} ${PLAYBOOK}`,
      "files/ holds every host's keys: delete this directory after the run.",
    ],
  };
}

function bundleDir(host: AnsibleHost): string {
  return `files/${host.name}/${host.target}`;
}

/** A YAML double-quoted scalar (JSON's string syntax is a subset of it). */
function quote(value: string): string {
  return JSON.stringify(value);
}

export function inventoryYaml(layout: AnsibleLayout): string {
  const group = (name: AnsibleHost["group"]) => {
    const hosts = layout.hosts.filter((host) => host.group === name);
    if (hosts.length === 0) return [`    ${name}:`, "      hosts: {}"];
    return [
      `    ${name}:`,
      "      hosts:",
      ...hosts.flatMap(({ name: hostName, target, address }) => [
        `        ${quote(hostName)}:`,
        `          ansible_host: ${quote(address.host)}`,
        ...(address.port === undefined ? [] : [`          ansible_port: ${address.port}`]),
        ...(address.user === undefined ? [] : [`          ansible_user: ${quote(address.user)}`]),
        `          nutca_name: ${quote(hostName)}`,
        `          nutca_target: ${quote(target)}`,
      ]),
    ];
  };
  return [
    `# Inventory written by nutca export ansible (NUT built with ${layout.backend}): each host's bundle is`,
    "# files/<nutca_name>/<nutca_target>/. The nutca_* variables site.yml reads are in README.txt.",
    "all:",
    ...(layout.connection === undefined ? [] : ["  vars:", `    ansible_connection: ${quote(layout.connection)}`]),
    "  children:",
    ...group("nut_servers"),
    ...group("nut_clients"),
    "",
  ].join("\n");
}

/** Two plays: every upsd first, so a upsmon's check (it logs in over SSL) meets a server that speaks TLS. */
const PLAYBOOK_TEXT = `# Playbook written by nutca export ansible: installs each host's TLS bundle with its install.sh.
# Run from this directory: ansible-playbook -i ${INVENTORY} ${PLAYBOOK} (README.txt says more).
- name: Turn TLS on at the upsd hosts
  hosts: nut_servers
  gather_facts: false
  become: "{{ nutca_become | default(true) }}"
  tasks:
    - name: Install the upsd bundle
      ansible.builtin.import_tasks: ${TASKS}

- name: Turn TLS on at the upsmon hosts, once their servers speak TLS
  hosts: nut_clients
  gather_facts: false
  become: "{{ nutca_become | default(true) }}"
  tasks:
    - name: Install the upsmon bundle
      ansible.builtin.import_tasks: ${TASKS}
`;

/**
 * The temporary directory and the copy are no change to the host (it is gone at the end), so they
 * report none and run in check mode too: install.sh --dry-run needs the bundle there.
 */
const TASKS_TEXT = `# Tasks written by nutca export ansible, run by ${PLAYBOOK} on each host: copy the host's bundle
# into a private temporary directory, run its install.sh, and remove the directory whatever
# happened (it holds a key).
- name: Install the bundle with install.sh
  block:
    - name: Make a private temporary directory (0700)
      ansible.builtin.tempfile:
        state: directory
        suffix: .nutca
      register: nutca_tmp
      check_mode: false
      changed_when: false

    - name: Copy the bundle, each file with its own mode (a key stays 0600 or 0640)
      ansible.builtin.copy:
        src: "{{ playbook_dir }}/files/{{ nutca_name }}/{{ nutca_target }}/"
        dest: "{{ nutca_tmp.path }}/bundle/"
        mode: preserve
        directory_mode: "0700"
      check_mode: false
      changed_when: false
      diff: false

    - name: Run install.sh (check mode runs it with --dry-run)
      ansible.builtin.command:
        argv: "{{ ['sh', 'install.sh'] + nutca_options }}"
        chdir: "{{ nutca_tmp.path }}/bundle"
      vars:
        nutca_options: >-
          {{ ['--restart', nutca_restart | default('auto')]
          + (['--root', nutca_install_root] if nutca_install_root | default('') else [])
          + (['--conf-dir', nutca_conf_dir] if nutca_conf_dir | default('') else [])
          + (['--user', nutca_user] if nutca_user | default('') else [])
          + (nutca_install_args | default([]))
          + (['--dry-run'] if ansible_check_mode else []) }}
        nutca_last: "{{ nutca_install.stdout_lines | default([]) | last | default('') }}"
      register: nutca_install
      check_mode: false
      changed_when: >-
        nutca_last is match('nutca-install: (installed |uninstalled |dry-run [^ ]+ [^ ]+ [1-9])')
      failed_when: >-
        nutca_install.rc != 0
        or nutca_last is not match('nutca-install: (installed|unchanged|dry-run|uninstalled) ')

  always:
    - name: Remove the temporary directory (it holds a key)
      ansible.builtin.file:
        path: "{{ nutca_tmp.path }}"
        state: absent
      when: nutca_tmp.path is defined
      check_mode: false
      changed_when: false
`;

function readmeLines(layout: AnsibleLayout): string[] {
  const servers = layout.hosts.filter((host) => host.group === "nut_servers").map((host) => host.name);
  const clients = layout.hosts.filter((host) => host.group === "nut_clients").map((host) => host.name);
  return [
    `Ansible: NUT's own TLS (NUT built with ${layout.backend}) for ${layout.hosts.length} host(s)`,
    "",
    `  upsd hosts (nut_servers):   ${servers.join(" ") || "none"}`,
    `  upsmon hosts (nut_clients): ${clients.join(" ") || "none"}`,
    "",
    "Files",
    `  ${INVENTORY.padEnd(24)} the hosts, their addresses (ansible_host/port/user) and bundles`,
    `  ${PLAYBOOK.padEnd(24)} the playbook: every upsd host first, then every upsmon host`,
    `  ${TASKS.padEnd(24)} the tasks it runs on each host`,
    "  files/<name>/<target>/   each host's bundle, as nutca export writes it (its README.txt and install.sh)",
    "",
    "Run it from this directory:",
    `  ansible-playbook -i ${INVENTORY} ${PLAYBOOK} --check -v      # install.sh --dry-run on every host`,
    `  ansible-playbook -i ${INVENTORY} ${PLAYBOOK}                # install, restart, verify, roll back`,
    `  ansible-playbook -i ${INVENTORY} ${PLAYBOOK} --limit ups1   # one host`,
    "",
    "On each host it makes a 0700 temporary directory (ansible.builtin.tempfile), copies the host's",
    "bundle into it with each file's mode (keys stay 0600 or 0640), runs sh install.sh there as root",
    "(become), and removes the directory in an always block, whatever happened: it holds a key.",
    "install.sh does the work: checks, backup, install, merge, restart, verify, rollback (see the",
    "bundle's README.txt). Its last line decides the task: installed or uninstalled is a change,",
    "unchanged is none; rolled-back, failed, refused or a non-zero exit fails the host, with",
    "install.sh's output (the reason) in the task's result. A second run reports changed=0.",
    "Check mode (--check) runs install.sh --dry-run: nothing changes; a host that would change shows",
    "as changed, and -v shows install.sh's output, with the diff of each config file.",
    "",
    "Variables (inventory, group_vars, or -e on the command line):",
    "  nutca_restart       install.sh --restart: auto (default), none, or a command",
    "  nutca_install_root  install.sh --root: treat this directory as / (images, tests)",
    "  nutca_conf_dir      install.sh --conf-dir: NUT's config directory (default: the usual ones)",
    "  nutca_user          install.sh --user: the user NUT runs as (default nut)",
    "  nutca_install_args  more install.sh options, a list: e.g. ['--no-verify'] or ['--uninstall']",
    "  nutca_become        run install.sh through become (default true; false when the user is root)",
    "",
    "What it does not do: write a MONITOR line (it holds upsmon's password: add it first, install.sh",
    "refuses a upsmon bundle without one); install NUT; export stunnel or the shims (use nutca export",
    "and their install.sh); keep the keys from the machine that runs Ansible: files/ holds every",
    "host's key unencrypted, so keep this directory 0700 and delete it after the run.",
    "",
    ...protectionLines(targetKey("ansible", layout.backend)),
  ];
}
