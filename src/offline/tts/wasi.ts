/**
 * A minimal WASI preview1 host for running a command-line WASI module (Flite) in memory, in any
 * JavaScript realm (browser worker, Node): `args` are passed in, stdin is empty, stdout/stderr are
 * collected, and every file the program opens for writing is captured in memory; nothing touches a disk
 * or the network. Only the calls Flite imports exist. Synchronous; one instance per run.
 *
 * Used by the browser worker and by the server (server/tts/flite.ts); no Node APIs.
 */
const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ENOENT = 44;

/** Thrown by `proc_exit` to unwind out of `_start`. */
class WasiExit extends Error {
  override readonly name = 'WasiExit';
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

class MemFile {
  bytes = new Uint8Array(64 * 1024);
  size = 0;
  pos = 0;
  write(data: Uint8Array): void {
    const end = this.pos + data.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(data, this.pos);
    this.pos = end;
    this.size = Math.max(this.size, end);
  }
}

export interface WasiRunResult {
  exitCode: number;
  /** Files written, by the path the program opened. */
  files: Map<string, Uint8Array>;
  stdout: string;
  stderr: string;
}

/** Runs `_start` of a WASI command module with `args` (args[0] is the program name). */
export function runWasiCommand(module: WebAssembly.Module, args: readonly string[]): WasiRunResult {
  const enc = new TextEncoder();
  const argBytes = args.map((a) => enc.encode(`${a}\0`));
  const PREOPEN_FD = 3;
  const PREOPEN_NAME = enc.encode('/');
  const open = new Map<number, { path: string; file: MemFile }>();
  const files = new Map<string, Uint8Array>();
  const out: Uint8Array[][] = [[], []];
  let nextFd = 4;
  const mem: { memory?: WebAssembly.Memory } = {};
  const buffer = (): ArrayBuffer => {
    if (!mem.memory) throw new Error('WASI call before the module was instantiated');
    return mem.memory.buffer;
  };
  const view = (): DataView => new DataView(buffer());
  const bytes = (): Uint8Array => new Uint8Array(buffer());

  const gather = (iovs: number, count: number): Uint8Array[] => {
    const dv = view();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const ptr = dv.getUint32(iovs + i * 8, true);
      const len = dv.getUint32(iovs + i * 8 + 4, true);
      parts.push(bytes().slice(ptr, ptr + len));
    }
    return parts;
  };

  const wasi = {
    args_sizes_get(argcPtr: number, bufSizePtr: number): number {
      const dv = view();
      dv.setUint32(argcPtr, argBytes.length, true);
      dv.setUint32(
        bufSizePtr,
        argBytes.reduce((n, a) => n + a.length, 0),
        true,
      );
      return ESUCCESS;
    },
    args_get(argvPtr: number, bufPtr: number): number {
      const dv = view();
      let at = bufPtr;
      argBytes.forEach((a, i) => {
        dv.setUint32(argvPtr + i * 4, at, true);
        bytes().set(a, at);
        at += a.length;
      });
      return ESUCCESS;
    },
    clock_time_get(_id: number, _precision: bigint, timePtr: number): number {
      view().setBigUint64(timePtr, BigInt(Math.round(performance.timeOrigin + performance.now())) * 1_000_000n, true);
      return ESUCCESS;
    },
    fd_close(fd: number): number {
      const f = open.get(fd);
      if (!f) return fd <= 2 ? ESUCCESS : EBADF;
      files.set(f.path, f.file.bytes.slice(0, f.file.size));
      open.delete(fd);
      return ESUCCESS;
    },
    fd_fdstat_get(fd: number, statPtr: number): number {
      if (fd > 2 && fd !== PREOPEN_FD && !open.has(fd)) return EBADF;
      const dv = view();
      // filetype: 2 = character device (stdio), 3 = directory, 4 = regular file
      dv.setUint8(statPtr, fd <= 2 ? 2 : fd === PREOPEN_FD ? 3 : 4);
      dv.setUint16(statPtr + 2, 0, true);
      dv.setBigUint64(statPtr + 8, 0xffffffffffffffffn, true);
      dv.setBigUint64(statPtr + 16, 0xffffffffffffffffn, true);
      return ESUCCESS;
    },
    fd_fdstat_set_flags(): number {
      return ESUCCESS;
    },
    fd_prestat_get(fd: number, bufPtr: number): number {
      if (fd !== PREOPEN_FD) return EBADF;
      const dv = view();
      dv.setUint8(bufPtr, 0);
      dv.setUint32(bufPtr + 4, PREOPEN_NAME.length, true);
      return ESUCCESS;
    },
    fd_prestat_dir_name(fd: number, pathPtr: number, pathLen: number): number {
      if (fd !== PREOPEN_FD) return EBADF;
      bytes().set(PREOPEN_NAME.subarray(0, pathLen), pathPtr);
      return ESUCCESS;
    },
    fd_read(_fd: number, _iovs: number, _count: number, nreadPtr: number): number {
      view().setUint32(nreadPtr, 0, true);
      return ESUCCESS;
    },
    fd_seek(fd: number, offset: bigint, whence: number, newOffsetPtr: number): number {
      const f = open.get(fd);
      if (!f) return fd <= 2 ? ESUCCESS : EBADF;
      const base = whence === 0 ? 0 : whence === 1 ? f.file.pos : f.file.size;
      const pos = base + Number(offset);
      if (pos < 0) return EINVAL;
      f.file.pos = pos;
      view().setBigUint64(newOffsetPtr, BigInt(pos), true);
      return ESUCCESS;
    },
    fd_write(fd: number, iovs: number, count: number, nwrittenPtr: number): number {
      const parts = gather(iovs, count);
      const n = parts.reduce((s, p) => s + p.length, 0);
      const f = open.get(fd);
      if (f) for (const p of parts) f.file.write(p);
      else if (fd === 1 || fd === 2) out[fd - 1]?.push(...parts);
      else return EBADF;
      view().setUint32(nwrittenPtr, n, true);
      return ESUCCESS;
    },
    path_open(
      dirFd: number,
      _dirFlags: number,
      pathPtr: number,
      pathLen: number,
      oflags: number,
      _rightsBase: bigint,
      _rightsInheriting: bigint,
      _fdFlags: number,
      fdPtr: number,
    ): number {
      if (dirFd !== PREOPEN_FD) return EBADF;
      const path = new TextDecoder().decode(bytes().slice(pathPtr, pathPtr + pathLen));
      const creating = (oflags & 1) !== 0; // O_CREAT
      if (!creating) return ENOENT; // nothing to read: voices are compiled in
      const fd = nextFd++;
      open.set(fd, { path, file: new MemFile() });
      view().setUint32(fdPtr, fd, true);
      return ESUCCESS;
    },
    proc_exit(code: number): never {
      throw new WasiExit(code);
    },
  };

  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi });
  mem.memory = instance.exports.memory as WebAssembly.Memory;
  let exitCode = 0;
  try {
    (instance.exports._start as () => void)();
  } catch (e) {
    if (!(e instanceof WasiExit)) throw e;
    exitCode = e.code;
  }
  for (const [fd] of open) wasi.fd_close(fd);
  const text = (parts: Uint8Array[] | undefined): string => {
    const all = parts ?? [];
    const joined = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of all) {
      joined.set(p, at);
      at += p.length;
    }
    return new TextDecoder().decode(joined);
  };
  return { exitCode, files, stdout: text(out[0]), stderr: text(out[1]) };
}
