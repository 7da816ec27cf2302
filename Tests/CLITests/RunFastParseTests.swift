import ArgumentParser
import Foundation
import SeededRandom
import XCTest
@testable import corral

/// `corral run` reads its common spellings without ArgumentParser (RunFastParse). Whatever the
/// fast reader accepts must mean exactly what ArgumentParser makes of it, and the spellings
/// people use must take the fast path (else the speed-up silently vanished).
final class RunFastParseTests: XCTestCase {
    /// ArgumentParser's reading, as `corral` itself does it (the verb, then its arguments).
    func slow(_ args: [String]) throws -> RunRequest {
        let command = try Corral.parseAsRoot(["run"] + args)
        let run = try XCTUnwrap(command as? Run, "parsed as \(type(of: command))")
        return run.request
    }

    func assertSame(_ args: [String], file: StaticString = #filePath, line: UInt = #line) {
        guard let fast = RunFastParse.parse(args) else {
            return XCTFail("fast path declined \(args)", file: file, line: line)
        }
        XCTAssertEqual(fast, try slow(args), "\(args)", file: file, line: line)
    }

    func testCommonSpellingsTakeTheFastPathAndMeanTheSame() {
        let corpus: [[String]] = [
            ["--rm", "--rootfs", "/r", "--", "/bin/true"],
            ["busybox", "--", "echo", "hi"],
            ["busybox"],
            ["-d", "--name", "web", "--cpus", "0.5", "busybox", "--", "sh", "-c", "while :; do :; done"],
            ["-it", "busybox", "--", "sh"],
            ["-dit", "--rm", "busybox"],
            ["-i", "-t", "--rootfs", "./rootfs", "--", "/bin/sh"],
            ["--detach", "--interactive", "--tty", "busybox"],
            ["--name=web", "--cpus=0.25", "--memory=64m", "busybox"],
            ["--cpu-quota", "-1", "--cpu-period", "50000", "busybox"],
            ["--cpu-quota", "30000", "busybox", "--", "true"],
            ["--pids-limit", "-1", "-m", "-1", "busybox"],
            ["--pids-limit=64", "-m", "128m", "busybox"],
            ["-e", "A=1", "--env", "B=2", "-e", "C=a b", "busybox", "--", "env"],
            ["-w", "/tmp", "-u", "1000:1000", "--hostname", "h", "--net", "host", "busybox"],
            ["--network", "host", "busybox"], ["--network=none", "--cpus", "-1", "busybox"],
            ["--cpu-period", "-5", "--network", "none", "busybox"],
            ["--user", "nobody", "--workdir=/", "busybox", "--", "id"],
            ["--cap-add", "NET_ADMIN", "--cap-drop", "ALL", "--cap-add", "CHOWN", "busybox"],
            ["--entrypoint", "/bin/sh", "myapp", "--", "-c", "echo ep"], ["--entrypoint=env", "busybox"],
            ["--root", "/tmp/state", "--cgroup-parent", "ci/x", "--rm", "busybox"],
            ["--rm", "busybox", "--", "sh", "-c", "exit 3"],
            // After the image everything is the container's, options included.
            ["busybox", "--name", "x", "-d"],
            ["busybox", "-c", "true"],
            ["--rm", "--", "busybox", "--rm"],
            ["--rootfs", "/r", "--", "--", "x"],
            [],
        ]
        for args in corpus { assertSame(args) }
    }

    /// Help, unknown options, repeated single options, missing values, values that look like
    /// options: all ArgumentParser's to read and to report.
    func testUnusualSpellingsAreLeftToArgumentParser() {
        let declined: [[String]] = [
            ["--help"], ["-h", "busybox"], ["--rm", "--help"],
            ["--bogus", "busybox"], ["-x", "busybox"], ["-dx", "busybox"],
            ["--name", "a", "--name", "b", "busybox"], ["-d", "-d", "busybox"], ["-it", "-t", "busybox"],
            ["--name"], ["--name", "-d", "busybox"], ["--net", "host", "--network", "none", "busybox"], ["--name="],
            ["--memory", "--rm", "busybox"], ["--cpu-quota", "-x", "busybox"], ["-e=A=1", "busybox"],
            ["--rm=yes", "busybox"], ["-", "busybox"], ["", "busybox"], ["--version"],
            ["--entrypoint", "", "busybox"], ["--entrypoint", "a", "--entrypoint", "b", "busybox"],
            ["--rm", "busybox", "echo", "--generate-completion-script"], ["--generate-completion-script=bash"],
        ]
        for args in declined {
            XCTAssertNil(RunFastParse.parse(args), "\(args) should be left to ArgumentParser")
        }
    }

    /// Random argument lists from the pieces people type: wherever the fast reader accepts,
    /// ArgumentParser must accept too and agree. CORRAL_FUZZ_SEED replays a failure.
    func testRandomArgumentListsAgreeWheneverTheFastPathAccepts() {
        let pieces = ["--rm", "-d", "-i", "-t", "-it", "-dit", "--detach", "--tty", "--interactive",
                      "--name", "--name=n1", "n2", "--rootfs", "/r", "--cpus", "0.5", "--cpus=1",
                      "--cpu-quota", "-1", "20000", "--cpu-period", "100000", "--pids-limit", "-5",
                      "--memory", "-m", "64m", "-e", "K=V", "--env=X=", "--cap-add", "ALL", "--cap-drop=CHOWN",
                      "-w", "/", "-u", "0", "--user=1:1", "--hostname", "--net", "--network", "--network=host", "none", "host",
                      "--root", "/s", "--cgroup-parent=p", "--", "busybox", "sh", "-c", "-h", "--help", "x=y", "",
                      "--entrypoint", "--entrypoint=/bin/sh",
                      "--generate-completion-script", "-0", "--name=--rm", "help", "run"]
        let seed = UInt64(ProcessInfo.processInfo.environment["CORRAL_FUZZ_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
        var rng = SplitMix64(state: seed)
        // A debug build's ArgumentParser validates the whole command tree on every parse (~40 ms):
        // `make stress` runs up to 800 (CORRAL_FUZZ_ITERATIONS).
        let iterations = min(800, Int(ProcessInfo.processInfo.environment["CORRAL_FUZZ_ITERATIONS"] ?? "") ?? 300)
        var accepted = 0
        for _ in 0..<iterations {
            let args = (0..<Int(rng.next() % 9)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }
            guard let fast = RunFastParse.parse(args) else { continue }
            accepted += 1
            do {
                let reference = try slow(args)
                XCTAssertEqual(fast, reference, "\(args) — CORRAL_FUZZ_SEED=\(seed)")
            } catch {
                XCTFail("fast path accepted \(args) but ArgumentParser says \(Corral.message(for: error)) — CORRAL_FUZZ_SEED=\(seed)")
            }
        }
        XCTAssertGreaterThan(accepted, iterations / 20, "the fast path should accept a good share of these")
    }
}
