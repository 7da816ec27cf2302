import Foundation
import XCTest
@testable import Engine

/// The extractor has two independent guards (libarchive's SECURE_* flags, and its own
/// O_NOFOLLOW walk from the image directory). Each attack is run with only one of them on:
/// either alone must keep the host untouched.
final class ImageExtractionGuardTests: ImageTestCase {
    struct Attack {
        var name: String
        var entries: [TarEntry]
        /// The guards that refuse the archive outright; the others must make it harmless.
        var refusedBy: [SecureExtractor.Guards] = [.libarchive, .preflight]
        /// Asserts nothing outside the image changed.
        var check: () throws -> Void
    }

    func attacks() throws -> [Attack] {
        let outsideDir = outsidePath("guard-dir")
        try FileManager.default.createDirectory(atPath: outsideDir, withIntermediateDirectories: true)
        chmod(outsideDir, 0o700)
        var passwd = stat()
        stat("/etc/passwd", &passwd)
        let passwdText = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let outsideEmpty = { XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outsideDir), []) }
        let passwdUnchanged = {
            var now = stat()
            stat("/etc/passwd", &now)
            XCTAssertEqual(now.st_nlink, passwd.st_nlink)
            XCTAssertEqual(try String(contentsOfFile: "/etc/passwd", encoding: .utf8), passwdText)
        }
        // The rootfs is <base>/<attack>/rootfs: two levels up is <base>.
        return [
            Attack(name: "dotdot", entries: [.file("../../escaped-guard", "x")]) {
                XCTAssertNil(self.lstatOrNil(self.base + "/escaped-guard"))
            },
            // The walk strips the leading '/', as tar does: the file lands inside the image.
            Attack(name: "absolute", entries: [.file(outsideDir + "/pwned", "x")], refusedBy: [.libarchive],
                   check: outsideEmpty),
            Attack(name: "symlink", entries: [.symlink("evil", to: outsideDir), .file("evil/pwned", "x")], check: outsideEmpty),
            Attack(name: "symlink-dir", entries: [.symlink("evil", to: outsideDir), .dir("evil/sub/")], check: outsideEmpty),
            Attack(name: "chain", entries: [
                .dir("a/"), .symlink("a/up", to: "../../.."), .symlink("b", to: "a/up"),
                .file("b/escaped-chain-guard", "x"),
            ]) {
                XCTAssertNil(self.lstatOrNil(self.base + "/escaped-chain-guard"))
                XCTAssertNil(self.lstatOrNil("/tmp/escaped-chain-guard"))
            },
            // libarchive (3.6.2) re-checks before its close-time chmod; the walk refuses earlier.
            Attack(name: "dir-then-symlink", entries: [.dir("d/", mode: 0o777), .symlink("d", to: outsideDir)],
                   refusedBy: [.preflight]) {
                XCTAssertEqual(self.lstatOrNil(outsideDir).map { $0.st_mode & 0o7777 }, 0o700)
            },
            Attack(name: "hardlink-abs", entries: [.hardlink("stolen", to: "/etc/passwd")], check: passwdUnchanged),
            Attack(name: "hardlink-dotdot", entries: [.hardlink("stolen", to: "../../../../../../../etc/passwd")],
                   check: passwdUnchanged),
            Attack(name: "hardlink-via-symlink", entries: [
                .symlink("hostetc", to: "/etc"), .hardlink("stolen", to: "hostetc/passwd"),
            ], check: passwdUnchanged),
        ]
    }

    func testEachGuardAloneHolds() throws {
        for guards in [SecureExtractor.Guards.libarchive, .preflight] {
            for attack in try attacks() {
                let dir = base + "/\(attack.name)-\(guards.rawValue)"
                try FileManager.default.createDirectory(atPath: dir + "/rootfs", withIntermediateDirectories: true)
                let tar = try archive("\(attack.name)-\(guards.rawValue).tar", attack.entries)
                let label = "\(attack.name) with only \(guards == .libarchive ? "libarchive" : "the preflight walk")"
                do {
                    _ = try SecureExtractor.extract(archive: tar, into: dir + "/rootfs", whiteouts: false,
                                                    context: attack.name, guards: guards)
                    XCTAssertFalse(attack.refusedBy.contains(guards), "\(label): not refused")
                } catch let error as EngineError {
                    guard case .invalid = error else { return XCTFail("\(label): \(error)") }
                    XCTAssertTrue(attack.refusedBy.contains(guards), "\(label): refused unexpectedly: \(error)")
                }
                try attack.check()
            }
        }
    }
}
