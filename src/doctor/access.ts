/**
 * Could a given user (upsd's run-as user, `nut` on Debian) read a file? Worked
 * out from owner, group and mode bits, the way the kernel decides, with the
 * user's groups from /etc/passwd and /etc/group (Node has no getpwnam).
 */
import { readFileSync, statSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { passwdUsers } from "../store/permission.js";

export interface UserInfo {
  readonly name: string;
  readonly uid: number;
  readonly gids: readonly number[];
}

export function lookupUser(name: string, files = { passwd: "/etc/passwd", group: "/etc/group" }): UserInfo | undefined {
  const entry = passwdUsers(files.passwd)?.find((user) => user.name === name);
  if (!entry) return undefined;
  let group: string;
  try {
    group = readFileSync(files.group, "utf8");
  } catch {
    return undefined;
  }
  const gids = new Set<number>([entry.gid]);
  for (const line of group.split("\n")) {
    const fields = line.split(":");
    if (fields.length >= 4 && fields[3]!.split(",").includes(name)) gids.add(Number(fields[2]));
  }
  return { name, uid: entry.uid, gids: [...gids] };
}

/** The permission bits (r=4, w=2, x=1) that apply to `user` for a file with these stats. */
export function permissionsFor(stat: Stats, user: UserInfo): number {
  if (user.uid === 0) return 7;
  if (stat.uid === user.uid) return (stat.mode >> 6) & 7;
  if (user.gids.includes(stat.gid)) return (stat.mode >> 3) & 7;
  return stat.mode & 7;
}

/** True when the user belongs to the file's group or owns it: it is set up for that user. */
export function ownedFor(stat: Stats, user: UserInfo): boolean {
  return stat.uid === user.uid || user.gids.includes(stat.gid);
}

/** The first directory on the way to `path` that `user` cannot enter, if any. */
export function blockedAncestor(path: string, user: UserInfo): string | undefined {
  const ancestors: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    ancestors.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  return ancestors.find((dir) => {
    try {
      return (permissionsFor(statSync(dir), user) & 1) === 0;
    } catch {
      return true;
    }
  });
}
