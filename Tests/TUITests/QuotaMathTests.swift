import XCTest
@testable import TUI

final class QuotaMathTests: XCTestCase {
    func assertCores(_ actual: Double?, _ expected: Double?, file: StaticString = #filePath, line: UInt = #line) {
        switch (actual, expected) {
        case (nil, nil): return
        case let (a?, e?): XCTAssertEqual(a, e, accuracy: 1e-9, file: file, line: line)
        default: XCTFail("\(String(describing: actual)) != \(String(describing: expected))", file: file, line: line)
        }
    }

    func testSmallStepsLandOnTheGrid() {
        assertCores(QuotaMath.step(0.5, by: 0.05, hostCores: 2), 0.55)
        assertCores(QuotaMath.step(0.5, by: -0.05, hostCores: 2), 0.45)
        assertCores(QuotaMath.step(0.33, by: 0.05, hostCores: 2), 0.35)
        assertCores(QuotaMath.step(0.33, by: -0.05, hostCores: 2), 0.30)
        assertCores(QuotaMath.step(0.35, by: -0.05, hostCores: 2), 0.30)
    }

    func testLargeSteps() {
        assertCores(QuotaMath.step(0.2, by: 0.5, hostCores: 4), 0.7)
        assertCores(QuotaMath.step(1.0, by: -0.5, hostCores: 4), 0.5)
        assertCores(QuotaMath.step(0.4, by: -0.5, hostCores: 4), 0.05)
    }

    func testNeverBelowTheMinimum() {
        assertCores(QuotaMath.step(0.05, by: -0.05, hostCores: 2), 0.05)
        // Below it (set with the = prompt), a step down leaves the quota; it never raises it.
        assertCores(QuotaMath.step(0.02, by: -0.05, hostCores: 2), 0.02)
        assertCores(QuotaMath.step(0.02, by: -0.5, hostCores: 2), 0.02)
        assertCores(QuotaMath.step(0.02, by: 0.05, hostCores: 2), 0.05)
    }

    func testAboveTheMachineIsUnlimitedAndBackDown() {
        assertCores(QuotaMath.step(2.0, by: 0.05, hostCores: 2), nil)
        assertCores(QuotaMath.step(1.8, by: 0.5, hostCores: 2), nil)
        assertCores(QuotaMath.step(nil, by: 0.05, hostCores: 2), nil)
        assertCores(QuotaMath.step(nil, by: -0.05, hostCores: 2), 1.95)
        assertCores(QuotaMath.step(nil, by: -0.5, hostCores: 8), 7.5)
    }

    func testSliderCellsToCores() {
        // 20 cells over 2 cores: each cell is 0.1 core, the quota reaches the cell's right edge.
        assertCores(QuotaMath.cores(atCell: 0, cells: 20, hostCores: 2), 0.1)
        assertCores(QuotaMath.cores(atCell: 9, cells: 20, hostCores: 2), 1.0)
        assertCores(QuotaMath.cores(atCell: 19, cells: 20, hostCores: 2), 2.0)
        // Left of the bar: the minimum; right of it: unlimited.
        assertCores(QuotaMath.cores(atCell: -1, cells: 20, hostCores: 2), 0.05)
        assertCores(QuotaMath.cores(atCell: 20, cells: 20, hostCores: 2), nil)
        // 15 cells over 2 cores: 7/15*2 = 0.933 rounds down to the grid.
        assertCores(QuotaMath.cores(atCell: 6, cells: 15, hostCores: 2), 0.90)
    }

    func testAClickedCellGetsTheMark() {
        for (cells, cores) in [(20, 2), (15, 2), (40, 2), (14, 8), (30, 4)] {
            for cell in 0..<cells {
                let quota = QuotaMath.cores(atCell: cell, cells: cells, hostCores: cores)
                XCTAssertEqual(QuotaMath.markCell(cores: quota, cells: cells, hostCores: cores), cell,
                               "cell \(cell) of \(cells) over \(cores) cores → \(String(describing: quota))")
            }
        }
    }

    func testMarkCellAndUseCells() {
        XCTAssertNil(QuotaMath.markCell(cores: nil, cells: 20, hostCores: 2))
        XCTAssertEqual(QuotaMath.markCell(cores: 0.5, cells: 20, hostCores: 2), 4)
        XCTAssertEqual(QuotaMath.markCell(cores: 0.01, cells: 20, hostCores: 2), 0)
        XCTAssertEqual(QuotaMath.markCell(cores: 5, cells: 20, hostCores: 2), 19, "clamped to the bar")
        XCTAssertEqual(QuotaMath.useCells(cpuPercent: 100, cells: 20, hostCores: 2), 10, accuracy: 1e-9)
        XCTAssertEqual(QuotaMath.useCells(cpuPercent: 500, cells: 20, hostCores: 2), 20, accuracy: 1e-9)
        XCTAssertEqual(QuotaMath.useCells(cpuPercent: -3, cells: 20, hostCores: 2), 0, accuracy: 1e-9)
    }

    func testParsingTheExactPrompt() throws {
        assertCores(try QuotaMath.parse("0.3", hostCores: 2).get(), 0.3)
        assertCores(try QuotaMath.parse(" 1.25 ", hostCores: 2).get(), 1.25)
        assertCores(try QuotaMath.parse("30%", hostCores: 2).get(), 0.3)
        assertCores(try QuotaMath.parse("150%", hostCores: 2).get(), 1.5)
        assertCores(try QuotaMath.parse("1.5c", hostCores: 2).get(), 1.5)
        assertCores(try QuotaMath.parse("0.01", hostCores: 2).get(), 0.01)
        for unlimited in ["0", "u", "unlimited", "max", "inf", "∞", "-1", "U", "0.0", "-0", "0%", "0c"] {
            assertCores(try QuotaMath.parse(unlimited, hostCores: 2).get(), nil)
        }
        XCTAssertEqual(QuotaMath.parse("abc", hostCores: 2), .failure(.notANumber("abc")))
        XCTAssertEqual(QuotaMath.parse("", hostCores: 2), .failure(.notANumber("")))
        XCTAssertEqual(QuotaMath.parse("0.001", hostCores: 2), .failure(.outOfRange("0.001", most: 2)))
        XCTAssertEqual(QuotaMath.parse("-2", hostCores: 2), .failure(.outOfRange("-2", most: 2)))
        XCTAssertEqual(QuotaMath.parse("2.5", hostCores: 2), .failure(.outOfRange("2.5", most: 2)))
        XCTAssertEqual(QuotaMath.parse("300%", hostCores: 2), .failure(.outOfRange("300%", most: 2)))
        assertCores(try QuotaMath.parse("2", hostCores: 2).get(), 2)
        XCTAssertEqual(QuotaMath.parse("nan", hostCores: 2), .failure(.notANumber("nan")))
        for odd in ["0x1", "1e0", "0x1p-1", "+1", "1_0"] {
            XCTAssertEqual(QuotaMath.parse(odd, hostCores: 2), .failure(.notANumber(odd)), "Double() reads \(odd) as a number")
        }
    }
}
