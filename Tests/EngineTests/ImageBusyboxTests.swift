import Foundation
import XCTest
@testable import Engine

final class ImageBusyboxTests: ImageTestCase {
    func testBuiltinBusyboxImage() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/bin/busybox"), "needs busybox-static")
        let image = try store.ensureBuiltinBusybox()
        XCTAssertEqual(image.name, "busybox")
        XCTAssertEqual(image.config.cmd, ["sh"])
        XCTAssertEqual(image.config.env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"])
        XCTAssertNil(image.config.entrypoint)

        let root = image.rootfs
        let copy = try XCTUnwrap(lstatOrNil(root + "/bin/busybox"))
        XCTAssertEqual(copy.st_mode & S_IFMT, S_IFREG, "a copy, not a link to the host's binary")
        XCTAssertEqual(copy.st_mode & 0o7777, 0o755)
        for applet in ["bin/sh", "bin/ls", "bin/cat"] {
            XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + applet), "/bin/busybox", applet)
        }
        // Every applet sits where busybox itself says it belongs.
        let placed = try runCapturing("/bin/busybox", ["--list-full"]).split(separator: "\n")
            .filter { line in ["bin/", "sbin/", "usr/bin/", "usr/sbin/"].contains { line.hasPrefix($0) } && line != "bin/busybox" }
        XCTAssertGreaterThan(placed.count, 100)
        for applet in placed {
            XCTAssertEqual(try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + applet), "/bin/busybox",
                           String(applet))
        }
        XCTAssertEqual(try XCTUnwrap(lstatOrNil(root + "/tmp")).st_mode & 0o7777, 0o1777)
        XCTAssertEqual(try XCTUnwrap(lstatOrNil(root + "/root")).st_mode & 0o7777, 0o700)
        for dir in ["dev", "proc", "sys"] {
            XCTAssertEqual(try XCTUnwrap(lstatOrNil(root + "/" + dir)).st_mode & S_IFMT, S_IFDIR, dir)
        }
        XCTAssertTrue(try XCTUnwrap(read(root + "/etc/passwd")).hasPrefix("root:x:0:0:"))
        XCTAssertTrue(try XCTUnwrap(read(root + "/etc/passwd")).contains("\nnobody:x:65534:65534:"))
        XCTAssertTrue(try XCTUnwrap(read(root + "/etc/group")).contains("nobody:x:65534:"))
        XCTAssertNotNil(read(root + "/etc/hostname"))

        // The links work inside the image's own root: sh and echo resolve to its busybox.
        XCTAssertEqual(try runCapturing("/usr/sbin/chroot", [root, "/bin/sh", "-c", "echo hi; id -un"]), "hi\nroot\n")

        // Built once: a second call returns the same image without rebuilding.
        XCTAssertEqual(try store.ensureBuiltinBusybox(), image)
        XCTAssertEqual(storeEntries(), ["busybox"])
    }

    func testConcurrentFirstUseBuildsOneImage() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/bin/busybox"), "needs busybox-static")
        let results = UnsafeMutableBufferPointer<Image?>.allocate(capacity: 4)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let s = store!
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            results[i] = try? s.ensureBuiltinBusybox()
        }
        let images = results.compactMap { $0 }
        XCTAssertEqual(images.count, 4, "no caller saw a half-built or clashing image")
        XCTAssertEqual(Set(images.map { $0.created }).count, 1)
        XCTAssertEqual(storeEntries(), ["busybox"])
    }

    private func runCapturing(_ program: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(program) \(args)")
        return String(decoding: data, as: UTF8.self)
    }
}
