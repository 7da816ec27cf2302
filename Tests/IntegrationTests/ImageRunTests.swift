import Foundation
import XCTest

/// Images through the CLI: the builtin busybox made on first use, rootfs tarballs imported,
/// a docker-save archive loaded with its layers, whiteouts and config defaults, and the
/// per-container writable layer over an image that never changes.
final class ImageRunTests: XCTestCase {
    var fx: CorralFixture!

    override func setUpWithError() throws { fx = try CorralFixture() }
    override func tearDown() { fx?.tearDown() }

    func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// The entry itself, a symlink not followed (the image's links point at /bin/busybox).
    func lexists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    func imageNames() throws -> [String] {
        try fx.imagesJSON().compactMap { $0["name"] as? String }
    }

    func testBuiltinBusyboxOnFreshStoreAndRmRefusedWhileInUse() throws {
        XCTAssertFalse(FileManager.default.fileExists(atPath: fx.imagesRoot), "store not fresh")
        XCTAssertEqual(try imageNames(), [])

        let r = try fx.corral(["run", "--rm", "busybox", "--", "sh", "-c", "echo hello from $(hostname); ls /bin/busybox; id -un"])
        XCTAssertEqual(r.code, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, r.stdout)
        XCTAssertTrue(lines.first?.hasPrefix("hello from ") == true, r.stdout)
        XCTAssertEqual(Array(lines.dropFirst()), ["/bin/busybox", "root"])

        let images = try fx.imagesJSON()
        XCTAssertEqual(images.count, 1)
        let busybox = try XCTUnwrap(images.first)
        XCTAssertEqual(busybox["name"] as? String, "busybox")
        XCTAssertEqual(busybox["cmd"] as? [String], ["sh"])
        XCTAssertGreaterThan(busybox["size"] as? Int ?? 0, 500_000)
        let rootfs = try XCTUnwrap(busybox["rootfs"] as? String)
        XCTAssertTrue(rootfs.hasPrefix(fx.imagesRoot + "/"), rootfs)
        XCTAssertTrue(FileManager.default.fileExists(atPath: rootfs + "/etc/passwd"))
        let table = try fx.corral(["image", "ls"])
        XCTAssertEqual(table.code, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("NAME"), table.stdout)
        XCTAssertTrue(table.stdout.split(separator: "\n").dropFirst().contains { $0.hasPrefix("busybox ") }, table.stdout)
        XCTAssertEqual(try fx.corral(["image", "ls", "-q"]).stdout, "busybox\n")

        // docker's /etc files: the hostname, a hosts file that resolves it, and with --net host
        // the host's resolv.conf (no name resolved there without it). A --rootfs is left alone.
        let etc = try fx.corral(["run", "--rm", "--name", "etcbox", "busybox", "--", "sh", "-c", "cat /etc/hostname; grep -c etcbox /etc/hosts"])
        XCTAssertEqual(etc.stdout, "etcbox\n1\n", etc.stderr)
        if let hostResolv = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8) {
            XCTAssertEqual(try fx.corral(["run", "--rm", "--net", "host", "busybox", "--", "cat", "/etc/resolv.conf"]).stdout, hostResolv)
        }
        // Their modes don't follow the caller's umask: a non-root user inside reads them.
        let strict = try Host.run("/bin/sh", ["-c", "umask 077; \(fx.binary) run --rm -u 65534 busybox -- sh -c 'cat /etc/hostname >/dev/null && stat -c %a /etc / /etc/hosts'"],
                                  env: fx.environment)
        XCTAssertEqual(strict.stdout, "755\n755\n644\n", strict.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: CorralFixture.rootfs + "/etc/hostname"))
        XCTAssertEqual(try fx.corral(["run", "--rm", "--rootfs", CorralFixture.rootfs, "--", "ls", "/etc"]).stdout, "group\npasswd\n")

        // No command given: the image's Cmd (sh) runs, reading the empty stdin.
        XCTAssertEqual(try fx.corral(["run", "--rm", "busybox"]).code, 0)
        XCTAssertEqual(try fx.corral(["run", "--rm", "library/busybox", "--", "echo", "hub"]).stdout, "hub\n", "docker's spelling of the builtin")

        try XCTAssertEqual(fx.corral(["run", "-d", "--name", "user", "busybox", "--", "sleep", "1000"]).code, 0)
        fx.assertOneLineError(try fx.corral(["image", "rm", "busybox"]), containing: "used by container \"user\"")
        XCTAssertEqual(try imageNames(), ["busybox"])
        // Stopped but not removed, it still holds the image as its lower layer.
        XCTAssertEqual(try fx.corral(["stop", "--time", "0", "user"]).code, 0)
        fx.assertOneLineError(try fx.corral(["image", "rm", "busybox"]), containing: "used by container \"user\"")

        XCTAssertEqual(try fx.corral(["rm", "user"]).code, 0)
        let rm = try fx.corral(["image", "rm", "busybox"])
        XCTAssertEqual(rm.code, 0, rm.stderr)
        XCTAssertEqual(try imageNames(), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: rootfs))
        fx.assertOneLineError(try fx.corral(["image", "rm", "busybox"]), containing: "no such image")
        // And made again on the next use.
        XCTAssertEqual(try fx.corral(["run", "--rm", "busybox", "--", "true"]).code, 0)
        XCTAssertEqual(try imageNames(), ["busybox"])
    }

    func testImportGzipAndXzRootfsTarballs() throws {
        let s = fx.scratch
        for (name, flag) in [("gz", "-z"), ("xz", "-J")] {
            try write("\(s)/marker-\(name)/etc/origin", "made by \(name)\n")
            try CorralFixture.tool("/usr/bin/tar", ["-C", CorralFixture.rootfs, flag, "-cf", "\(s)/rootfs.\(name)", ".", "-C", "\(s)/marker-\(name)", "etc/origin"])
        }
        // Check the compression really is what the name says (tar -z/-J, not a plain tar).
        let gzMagic = try Data(contentsOf: URL(fileURLWithPath: "\(s)/rootfs.gz")).prefix(2)
        XCTAssertEqual(Array(gzMagic), [0x1f, 0x8b])
        let xzMagic = try Data(contentsOf: URL(fileURLWithPath: "\(s)/rootfs.xz")).prefix(6)
        XCTAssertEqual(Array(xzMagic), [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])

        let gz = try fx.corral(["image", "import", "\(s)/rootfs.gz", "fromgz"])
        XCTAssertEqual(gz.code, 0, gz.stderr)
        let xz = try fx.corral(["image", "import", "\(s)/rootfs.xz", "fromxz:v1"])
        XCTAssertEqual(xz.code, 0, xz.stderr)
        XCTAssertEqual(try imageNames(), ["fromgz", "fromxz:v1"])

        let a = try fx.corral(["run", "--rm", "fromgz", "--", "sh", "-c", "cat /etc/origin; ls /bin/busybox"])
        XCTAssertEqual(a.code, 0, a.stderr)
        XCTAssertEqual(a.stdout, "made by gz\n/bin/busybox\n")
        let b = try fx.corral(["run", "--rm", "fromxz:v1", "--", "cat", "/etc/origin"])
        XCTAssertEqual(b.code, 0, b.stderr)
        XCTAssertEqual(b.stdout, "made by xz\n")
        // A rootfs tarball has no config: without a command there is nothing to run.
        fx.assertOneLineError(try fx.corral(["run", "--rm", "fromgz"]), containing: "no command")
        fx.assertOneLineError(try fx.corral(["image", "import", "\(s)/rootfs.gz", "fromgz"]), containing: "already exists")

        // A registry's host:port is part of a name, not a tag; docker's long spelling of a
        // Docker Hub name finds the image stored under the short one.
        let registry = try fx.corral(["image", "import", "\(s)/rootfs.gz", "localhost:5000/team/base:1"])
        XCTAssertEqual(registry.code, 0, registry.stderr)
        XCTAssertEqual(try fx.corral(["run", "--rm", "localhost:5000/team/base:1", "--", "cat", "/etc/origin"]).stdout, "made by gz\n")
        XCTAssertEqual(try fx.corral(["run", "--rm", "docker.io/library/fromgz:latest", "--", "cat", "/etc/origin"]).stdout, "made by gz\n")
        XCTAssertEqual(try fx.corral(["run", "--rm", "library/fromgz", "--", "cat", "/etc/origin"]).stdout, "made by gz\n")
        XCTAssertEqual(try fx.corral(["image", "rm", "localhost:5000/team/base:1"]).code, 0)

        // `-` reads the tarball from stdin, as docker's import.
        let piped = try Host.run("/bin/sh", ["-c", "\(fx.binary) image import - frompipe < '\(s)/rootfs.xz'"], env: fx.environment)
        XCTAssertEqual(piped.stdout, "frompipe\n", piped.stderr)
        XCTAssertEqual(try fx.corral(["run", "--rm", "frompipe", "--", "cat", "/etc/origin"]).stdout, "made by xz\n")
        XCTAssertEqual(try fx.corral(["image", "rm", "frompipe"]).code, 0)

        // Several at once, as docker's rmi: each name printed; one that can't go is reported
        // on its own line and the others still go.
        let rm = try fx.corral(["image", "rm", "fromgz", "nosuchimage", "fromxz:v1"])
        XCTAssertEqual(rm.code, 1)
        XCTAssertEqual(rm.stdout, "fromgz\nfromxz:v1\n")
        XCTAssertTrue(rm.stderr.hasPrefix("corral: error: ") && rm.stderr.contains("nosuchimage"), rm.stderr)
        XCTAssertEqual(try imageNames(), [])
    }

    /// An image store mounted read-only still runs its images (only adding or removing one
    /// needs to write): its lock is taken through a read-only descriptor.
    func testAReadOnlyImageStoreStillRunsItsImages() throws {
        XCTAssertEqual(try fx.corral(["run", "--rm", "busybox", "--", "true"]).code, 0)
        try CorralFixture.tool("/bin/mount", ["--bind", fx.imagesRoot, fx.imagesRoot])
        defer { umount2(fx.imagesRoot, Int32(MNT_DETACH)) }
        try CorralFixture.tool("/bin/mount", ["-o", "remount,ro,bind", fx.imagesRoot])
        XCTAssertEqual(access(fx.imagesRoot, W_OK), -1, "the store is still writable")
        let r = try fx.corral(["run", "--rm", "busybox", "--", "echo", "from a read-only store"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(r.stdout, "from a read-only store\n")
        fx.assertOneLineError(try fx.corral(["image", "rm", "busybox"]), containing: "Read-only file system")
    }

    /// An image store that fills up during an import or a load: the command fails naming the
    /// full disk, and keeps nothing (libarchive reports a failed write(2) as a mere warning and
    /// would go on, leaving a short file in an image that imported "fine").
    func testAFullImageStoreFailsTheImportAndKeepsNothing() throws {
        let s = fx.scratch
        let store = s + "/small-store"
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        try CorralFixture.tool("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", store])
        defer { umount2(store, Int32(MNT_DETACH)) }
        try FileManager.default.createDirectory(atPath: s + "/big/data", withIntermediateDirectories: true)
        var rng = SystemRandomNumberGenerator()
        let random = Data((0..<(6 << 20)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        try random.write(to: URL(fileURLWithPath: s + "/big/data/f"))
        try CorralFixture.tool("/usr/bin/tar", ["-C", s + "/big", "-cf", s + "/big.tar", "."])

        let env = ["CORRAL_IMAGES": store]
        let r = try fx.corral(["image", "import", s + "/big.tar", "big"], extraEnvironment: env)
        XCTAssertNotEqual(r.code, 0, "a 6 MiB file imported into a 4 MiB store")
        // At the entry whose write failed, not later at some file that happened to fail too.
        XCTAssertTrue(r.stderr.hasPrefix("corral: error: ") && r.stderr.contains("No space left on device")
                      && r.stderr.contains("data/f"), r.stderr)
        let listed = try fx.corral(["image", "ls", "--json"], extraEnvironment: env).stdout
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [Any])?.count, 0, listed)
        let left = try FileManager.default.subpathsOfDirectory(atPath: store).filter { $0.contains(".tmp-") }
        XCTAssertEqual(left, [], "half an image left in the store")
    }

    /// A `docker save` archive made from scratch: two layers (the second deleting a file of the
    /// first with a whiteout and replacing a directory with an opaque whiteout) and a config
    /// whose Env, Cmd, WorkingDir and User become the container's defaults.
    func makeDockerSave() throws -> String {
        let s = fx.scratch
        try write("\(s)/l1/app/gone.txt", "deleted by layer 2\n")
        try write("\(s)/l1/app/keep.txt", "kept\n")
        try write("\(s)/l1/opaque/old", "hidden by an opaque whiteout\n")
        try write("\(s)/l2/app/.wh.gone.txt", "")
        try write("\(s)/l2/app/new.txt", "from layer 2\n")
        try write("\(s)/l2/opaque/.wh..wh..opq", "")
        try write("\(s)/l2/opaque/fresh", "new\n")
        try FileManager.default.createDirectory(atPath: "\(s)/save/layer1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(s)/save/layer2", withIntermediateDirectories: true)
        try CorralFixture.tool("/usr/bin/tar", ["-C", CorralFixture.rootfs, "-cf", "\(s)/save/layer1/layer.tar", ".", "-C", "\(s)/l1", "app", "opaque"])
        try CorralFixture.tool("/usr/bin/tar", ["-C", "\(s)/l2", "-cf", "\(s)/save/layer2/layer.tar", "app", "opaque"])
        let config: [String: Any] = [
            "architecture": "amd64", "os": "linux",
            "config": [
                "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "GREETING=from the image"],
                "Cmd": ["sh", "-c", "echo $GREETING; pwd; id -u; ls /app; ls /opaque"],
                "WorkingDir": "/app",
                "User": "65534",
            ],
            "rootfs": ["type": "layers", "diff_ids": []],
        ]
        let entry: [String: Any] = [
            "architecture": "amd64", "os": "linux",
            "config": ["Entrypoint": ["echo", "entry:"], "Cmd": ["default-arg"]],
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: "\(s)/save/0123456789abcdef0123.json"))
        try JSONSerialization.data(withJSONObject: entry).write(to: URL(fileURLWithPath: "\(s)/save/fedcba9876543210fedc.json"))
        let manifest: [[String: Any]] = [
            ["Config": "0123456789abcdef0123.json", "RepoTags": ["myapp:1.0"], "Layers": ["layer1/layer.tar", "layer2/layer.tar"]],
            ["Config": "fedcba9876543210fedc.json", "RepoTags": ["myapp:entry"], "Layers": ["layer1/layer.tar"]],
        ]
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: "\(s)/save/manifest.json"))
        try CorralFixture.tool("/usr/bin/tar", ["-C", "\(s)/save", "-cf", "\(s)/myapp.tar", "manifest.json",
                                                "0123456789abcdef0123.json", "fedcba9876543210fedc.json", "layer1", "layer2"])
        return "\(s)/myapp.tar"
    }

    func testLoadDockerSaveWithLayersWhiteoutsAndConfigDefaults() throws {
        let archive = try makeDockerSave()
        let load = try fx.corral(["image", "load", archive])
        XCTAssertEqual(load.code, 0, load.stderr)
        XCTAssertEqual(Set(load.stdout.split(separator: "\n")), ["Loaded image: myapp:1.0", "Loaded image: myapp:entry"])

        let image = try XCTUnwrap(try fx.imagesJSON().first { $0["name"] as? String == "myapp:1.0" })
        XCTAssertEqual(image["workingDir"] as? String, "/app")
        XCTAssertEqual(image["user"] as? String, "65534")
        XCTAssertEqual(image["cmd"] as? [String], ["sh", "-c", "echo $GREETING; pwd; id -u; ls /app; ls /opaque"])
        XCTAssertTrue((image["env"] as? [String] ?? []).contains("GREETING=from the image"))
        // The table quotes the command as ps does, so its words can be told apart.
        let table = try fx.corral(["image", "ls"]).stdout
        XCTAssertTrue(table.contains("sh -c 'echo $GREETING; pwd; id -u; ls /app; ls /opaque'"), table)
        let rootfs = try XCTUnwrap(image["rootfs"] as? String)
        let fm = FileManager.default
        XCTAssertFalse(fm.fileExists(atPath: rootfs + "/app/gone.txt"))
        XCTAssertFalse(fm.fileExists(atPath: rootfs + "/app/.wh.gone.txt"), "whiteout marker left in the image")
        XCTAssertFalse(fm.fileExists(atPath: rootfs + "/opaque/.wh..wh..opq"), "opaque marker left in the image")

        // No command: Cmd runs as User in WorkingDir with Env.
        let r = try fx.corral(["run", "--rm", "myapp:1.0"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(r.stdout, "from the image\n/app\n65534\nkeep.txt\nnew.txt\nfresh\n")
        let gone = try fx.corral(["run", "--rm", "myapp:1.0", "--", "cat", "/app/gone.txt"])
        XCTAssertNotEqual(gone.code, 0)
        XCTAssertTrue(gone.stderr.contains("No such file"), gone.stderr)

        // What the command line says wins over the image's defaults.
        let over = try fx.corral(["run", "--rm", "-e", "GREETING=from the cli", "-w", "/", "-u", "0", "myapp:1.0",
                                  "--", "sh", "-c", "echo $GREETING; pwd; id -u; echo $PATH"])
        XCTAssertEqual(over.code, 0, over.stderr)
        XCTAssertEqual(over.stdout, "from the cli\n/\n0\n/usr/local/bin:/usr/bin:/bin\n")

        // Entrypoint + Cmd; a command given replaces only Cmd.
        XCTAssertEqual(try fx.corral(["run", "--rm", "myapp:entry"]).stdout, "entry: default-arg\n")
        XCTAssertEqual(try fx.corral(["run", "--rm", "myapp:entry", "--", "given"]).stdout, "entry: given\n")
        // docker's --entrypoint: it replaces the Entrypoint and drops the image's Cmd; "" runs
        // without one, the command given and nothing else.
        let shell = try fx.corral(["run", "--rm", "--entrypoint", "/bin/sh", "myapp:entry", "--", "-c", "echo ep $0"])
        XCTAssertEqual(shell.stdout, "ep /bin/sh\n", shell.stderr)
        XCTAssertEqual(try fx.corral(["run", "--rm", "--entrypoint", "echo", "myapp:entry"]).stdout, "\n", "the image's Cmd was used")
        XCTAssertEqual(try fx.corral(["run", "--rm", "--entrypoint", "", "myapp:entry", "--", "echo", "bare"]).stdout, "bare\n")
        fx.assertOneLineError(try fx.corral(["run", "--rm", "--entrypoint", "", "myapp:entry"]), containing: "no command given")

        fx.assertOneLineError(try fx.corral(["image", "load", archive]), containing: "already exists")

        // As docker's: the archive piped in (no FILE, or -), or given with -i.
        for (i, load) in ["image load < '\(archive)'", "cat '\(archive)' | \(fx.binary) image load -", "image load -i '\(archive)'"].enumerated() {
            XCTAssertEqual(try fx.corral(["image", "rm", "myapp:1.0", "myapp:entry"]).code, 0)
            let command = load.hasPrefix("cat") ? load : "\(fx.binary) \(load)"
            let r = try Host.run("/bin/sh", ["-c", command], env: fx.environment)
            XCTAssertEqual(r.code, 0, "\(i): \(r.stderr)")
            XCTAssertEqual(Set(r.stdout.split(separator: "\n")), ["Loaded image: myapp:1.0", "Loaded image: myapp:entry"], "\(i)")
        }
        let garbage = try Host.run("/bin/sh", ["-c", "echo not an archive | \(fx.binary) image load"], env: fx.environment)
        XCTAssertTrue(garbage.code != 0 && garbage.stderr.hasPrefix("corral: error: image load: stdin"), garbage.stderr)
        XCTAssertEqual(garbage.stderr.split(separator: "\n").count, 1, garbage.stderr)
    }

    /// Ctrl-C during `image import` removes the half-written image before the command ends;
    /// nothing of it stays in the store.
    func testInterruptedImportLeavesNothing() throws {
        let dir = "/tmp/corral-test-\(fx.id)/big"
        try FileManager.default.createDirectory(atPath: dir + "/root", withIntermediateDirectories: true)
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/bin/sh")
        make.arguments = ["-c", "truncate -s 600M '\(dir)/root/zero' && tar -C '\(dir)/root' -cf - . | gzip -1 > '\(dir)/big.tgz' && rm '\(dir)/root/zero'"]
        try make.run()
        make.waitUntilExit()
        XCTAssertEqual(make.terminationStatus, 0)

        let importing = Process()
        importing.executableURL = URL(fileURLWithPath: fx.binary)
        importing.arguments = ["image", "import", dir + "/big.tgz", "big"]
        importing.environment = fx.environment
        let err = Pipe()
        importing.standardError = err
        try importing.run()
        // Interrupted once the image's file is being written.
        let images = fx.imagesRoot + "/images"
        XCTAssertTrue(fx.wait(timeout: 30) {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: images)) ?? []
            return entries.contains { name in
                name.hasPrefix(".tmp-") && ((try? FileManager.default.attributesOfItem(atPath: "\(images)/\(name)/rootfs/zero")[.size] as? Int) ?? 0) > 1 << 20
            }
        }, "the import never started writing")
        kill(importing.processIdentifier, SIGINT)
        importing.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Ends by SIGINT itself (a shell's loop stops there), after the clean-up said so.
        XCTAssertEqual(importing.terminationReason, .uncaughtSignal, stderr)
        XCTAssertEqual(importing.terminationStatus, SIGINT, stderr)
        XCTAssertTrue(stderr.hasPrefix("corral: error: ") && stderr.contains("interrupted"), "no clean-up ran: \(stderr)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: images).filter { $0 != ".lock" }, [])
        XCTAssertEqual(try imageNames(), [])
    }

    /// A corral command started while this test holds the image store's lock (as an import
    /// does), once it has said it waits for the store. The lock fd is the caller's to close.
    func startedBehindTheStoreLock(_ args: [String], stdout: Pipe? = nil) throws -> (process: Process, lock: Int32) {
        let lock = open(fx.imagesRoot + "/images/.lock", O_RDWR | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(lock, 0)
        XCTAssertEqual(flock(lock, LOCK_EX), 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: fx.binary)
        process.arguments = args
        process.environment = fx.environment
        let err = Pipe()
        if let stdout { process.standardOutput = stdout }
        process.standardError = err
        try process.run()
        final class Box: @unchecked Sendable { var text = ""; let lock = NSLock() }
        let said = Box()
        err.fileHandleForReading.readabilityHandler = { handle in
            let chunk = String(decoding: handle.availableData, as: UTF8.self)
            said.lock.lock(); said.text += chunk; said.lock.unlock()
        }
        XCTAssertTrue(fx.wait { said.lock.lock(); defer { said.lock.unlock() }; return said.text.contains("waiting for the image store") },
                      "\(args) never said it waits")
        err.fileHandleForReading.readabilityHandler = nil
        return (process, lock)
    }

    /// A `run` that must wait for the image store (an import holds it while it extracts) says
    /// so on stderr instead of seeming to hang, then runs when the store is free.
    func testRunWaitingForTheImageStoreSaysSo() throws {
        XCTAssertEqual(try fx.corral(["run", "--rm", "busybox", "--", "true"]).code, 0)
        let out = Pipe()
        let (run, lock) = try startedBehindTheStoreLock(["run", "--rm", "busybox", "--", "echo", "ran"], stdout: out)
        defer { close(lock) }
        XCTAssertTrue(run.isRunning, "it ran although the store was locked")
        flock(lock, LOCK_UN)
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 0)
        XCTAssertEqual(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "ran\n")
    }

    /// A start waiting for the image store (behind an import) holds nothing else: other
    /// commands on the state root go on meanwhile.
    func testWaitingForTheImageStoreHoldsUpNoOtherCommand() throws {
        XCTAssertEqual(try fx.corral(["run", "--rm", "busybox", "--", "true"]).code, 0)
        let (waiting, lock) = try startedBehindTheStoreLock(["run", "-d", "--name", "later", "busybox", "--", "sleep", "1000"])
        defer { close(lock) }
        let other = try fx.corral(["run", "-d", "--name", "meanwhile", "--rootfs", CorralFixture.rootfs, "--", "sleep", "1000"], timeout: 20)
        XCTAssertEqual(other.code, 0, other.stderr)
        XCTAssertTrue(waiting.isRunning, "the image start did not wait for the store")
        XCTAssertEqual(try fx.corral(["rm", "-f", "meanwhile"], timeout: 20).code, 0)
        flock(lock, LOCK_UN)
        waiting.waitUntilExit()
        XCTAssertEqual(waiting.terminationStatus, 0)
        XCTAssertEqual(try fx.container("later")?["state"] as? String, "running")
        XCTAssertEqual(try fx.corral(["rm", "-f", "later"]).code, 0)
    }

    /// Ctrl-C while an import waits for the store (another import holds it) ends it then,
    /// not once the other import is done.
    func testInterruptWhileWaitingForTheStoreEndsTheWait() throws {
        XCTAssertEqual(try fx.corral(["run", "--rm", "busybox", "--", "true"]).code, 0)
        let dir = "/tmp/corral-test-\(fx.id)/small"
        try write(dir + "/root/marker", "x\n")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-C", dir + "/root", "-cf", dir + "/small.tar", "."]
        try tar.run()
        tar.waitUntilExit()
        let (importing, lock) = try startedBehindTheStoreLock(["image", "import", dir + "/small.tar", "small"])
        defer { close(lock) }
        kill(importing.processIdentifier, SIGINT)
        XCTAssertTrue(fx.wait(timeout: 5) { !importing.isRunning }, "still waiting for the store after Ctrl-C")
        if importing.isRunning { flock(lock, LOCK_UN) }
        importing.waitUntilExit()
        XCTAssertEqual(importing.terminationReason, .uncaughtSignal)
        XCTAssertEqual(try imageNames(), ["busybox"])
    }

    func testContainersFromOneImageNeverSeeEachOthersWrites() throws {
        XCTAssertEqual(try fx.corral(["run", "--rm", "busybox", "--", "true"]).code, 0)
        let rootfs = try XCTUnwrap(try fx.imagesJSON().first?["rootfs"] as? String)
        let passwdBefore = try String(contentsOfFile: rootfs + "/etc/passwd", encoding: .utf8)

        for who in ["a", "b"] {
            let script = "echo \(who) > /etc/shared; echo \(who) >> /etc/passwd; rm /bin/\(who == "a" ? "ls" : "date"); echo ready; sleep 1000"
            XCTAssertEqual(try fx.corral(["run", "-d", "--name", who, "busybox", "--", "sh", "-c", script]).code, 0)
        }
        XCTAssertTrue(fx.wait { (try? fx.corral(["logs", "a"]).stdout) == "ready\n" && (try? fx.corral(["logs", "b"]).stdout) == "ready\n" })
        XCTAssertEqual(fx.mounts().filter { $0.contains(" overlay ") }.count, 2, fx.mounts().joined(separator: "\n"))

        XCTAssertEqual(try fx.corral(["exec", "a", "--", "cat", "/etc/shared"]).stdout, "a\n")
        XCTAssertEqual(try fx.corral(["exec", "b", "--", "cat", "/etc/shared"]).stdout, "b\n")
        XCTAssertEqual(try fx.corral(["exec", "a", "--", "tail", "-n", "1", "/etc/passwd"]).stdout, "a\n")
        XCTAssertEqual(try fx.corral(["exec", "b", "--", "tail", "-n", "1", "/etc/passwd"]).stdout, "b\n")
        // a deleted ls, b deleted date: each still has the other.
        XCTAssertEqual(try fx.corral(["exec", "a", "--", "sh", "-c", "[ -e /bin/date ] && [ ! -e /bin/ls ] && echo ok"]).stdout, "ok\n")
        XCTAssertEqual(try fx.corral(["exec", "b", "--", "sh", "-c", "[ -e /bin/ls ] && [ ! -e /bin/date ] && echo ok"]).stdout, "ok\n")

        // The image is untouched, and a new container sees it as it was.
        XCTAssertFalse(FileManager.default.fileExists(atPath: rootfs + "/etc/shared"))
        XCTAssertTrue(lexists(rootfs + "/bin/ls"))
        XCTAssertTrue(lexists(rootfs + "/bin/date"))
        XCTAssertEqual(try String(contentsOfFile: rootfs + "/etc/passwd", encoding: .utf8), passwdBefore)
        let fresh = try fx.corral(["run", "--rm", "busybox", "--", "sh", "-c", "cat /etc/shared 2>/dev/null || echo none; tail -n 1 /etc/passwd"])
        XCTAssertEqual(fresh.stdout, "none\n" + (passwdBefore.split(separator: "\n").last.map { $0 + "\n" } ?? ""))

        XCTAssertEqual(try fx.corral(["rm", "-f", "a"]).code, 0)
        XCTAssertEqual(try fx.corral(["rm", "-f", "b"]).code, 0)
        XCTAssertEqual(fx.mounts(), [], "overlay mounts left after rm")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fx.stateRoot + "/a"))
        XCTAssertEqual(try String(contentsOfFile: rootfs + "/etc/passwd", encoding: .utf8), passwdBefore)
    }
}
