import Foundation
import XCTest
@testable import Engine

/// The second thread of a `corral top` refresh: both halves run, an error on the calling side
/// still waits for the worker, and a worker no longer referenced stops its thread.
final class SweepWorkerTests: XCTestCase {
    func threads() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1
    }

    func testSplitRunsBothHalvesOnTwoThreads() throws {
        guard let worker = SweepWorker.ifUseful() else { throw XCTSkip("needs two cores") }
        for round in 0..<50 {
            let (a, b) = worker.split({ (pthread_self(), (0..<1000).reduce(round, +)) }, { (pthread_self(), round) })
            XCTAssertEqual(pthread_equal(a.0, b.0), 0, "the worker's half ran on the calling thread")
            XCTAssertNotEqual(pthread_equal(b.0, pthread_self()), 0)
            XCTAssertEqual(a.1, round + 499_500)
            XCTAssertEqual(b.1, round)
        }
    }

    struct Boom: Error {}

    func testAnErrorOnTheCallingSideStillWaitsForTheWorker() throws {
        guard let worker = SweepWorker.ifUseful() else { throw XCTSkip("needs two cores") }
        let done = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        defer { done.deallocate() }
        done.pointee = 0
        XCTAssertThrowsError(try worker.split({ usleep(50_000); done.pointee = 1 }, { throw Boom() }))
        XCTAssertEqual(done.pointee, 1, "split returned before the worker's half was done")
        // And the worker takes the next job as usual.
        XCTAssertEqual(worker.split({ 2 }, { 3 }).0, 2)
    }

    func testAWorkerNoLongerReferencedStopsItsThread() throws {
        guard SweepWorker.ifUseful() != nil else { throw XCTSkip("needs two cores") }
        usleep(50_000)
        let before = threads()
        weak var gone: SweepWorker?
        do {
            let worker = try XCTUnwrap(SweepWorker.ifUseful())
            gone = worker
            _ = worker.split({ 1 }, { 2 })
            XCTAssertEqual(threads(), before + 1)
        }
        XCTAssertNil(gone, "the worker outlived its last reference")
        XCTAssertEqual(threads(), before, "its thread is still there")
    }

    /// Kernel files are read to the end although the kernel returns short reads for files of
    /// many records (a seq_file stops when the next record doesn't fit).
    func testMultiRecordKernelFilesAreReadToTheEnd() throws {
        let path = "/proc/kallsyms"  // many short lines, and stable while the test runs
        var expected = 0
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buf, 3900)  // the same kind of short reads KernelRead meets
            if n <= 0 { break }
            expected += n
        }
        close(fd)
        XCTAssertGreaterThan(expected, KernelRead.stackBytes)
        let got = try KernelRead.withBytes(path) { $0.count }
        XCTAssertEqual(got, expected)
        let kept = KnobFiles()
        XCTAssertEqual(try kept.reading { try KernelRead.withBytes(path) { $0.count } }, expected)
    }
}
