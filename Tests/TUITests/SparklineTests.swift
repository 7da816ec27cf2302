import XCTest
@testable import TUI

final class SparklineTests: XCTestCase {
    func testLevels() {
        XCTAssertEqual(Gauges.sparkline([0, 0.13, 0.26, 0.38, 0.51, 0.63, 0.76, 0.88, 1, nil, 7, -1], glyphs: .utf8),
                       ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█", "█", " ", "█", "▁"])
        XCTAssertEqual(Gauges.sparkline([0, 0.13, 0.26, 0.38, 0.51, 0.63, 0.76, 0.88, 1, nil], glyphs: .ascii),
                       ["_", ".", "-", ":", "=", "+", "*", "#", "#", " "])
    }

    func testHistoryResamplingHoldsValuesAndForgetsOldOnes() {
        var h = History()
        for t in stride(from: 0.0, through: 100, by: 2) { h.record(time: t, cpuPercent: t, throttledPercent: 0) }
        XCTAssertEqual(h.points.first!.time, 40, "keeps a minute and a second: 39...100")
        // 60 one-second buckets over samples every 2 s: every other bucket holds the previous value.
        let values = h.resample(buckets: 60, now: 100) { $0.cpuPercent }
        XCTAssertEqual(values.count, 60)
        XCTAssertEqual(values[59], 100)
        XCTAssertEqual(values[58], 98, "held from the previous sample")
        XCTAssertEqual(values[57], 98)
        XCTAssertEqual(values[0], 40)
        // Wider buckets average.
        let halves = h.resample(buckets: 2, now: 100) { $0.cpuPercent }
        XCTAssertEqual(halves[1]!, (72 + 74 + 76 + 78 + 80 + 82 + 84 + 86 + 88 + 90 + 92 + 94 + 96 + 98 + 100) / 15.0, accuracy: 1e-9)
    }

    func testNoDataBeforeTheFirstSample() {
        var h = History()
        h.record(time: 95, cpuPercent: 50, throttledPercent: 10)
        let values = h.resample(buckets: 6, now: 100) { $0.cpuPercent }
        XCTAssertEqual(values, [nil, nil, nil, nil, nil, 50])
        XCTAssertEqual(Gauges.sparkline(values.map { $0.map { $0 / 100 } }, glyphs: .utf8), [" ", " ", " ", " ", " ", "▅"])
    }

    func testAFirstSweepWithoutRatesShowsDashesAndRecordsNothing() throws {
        var state = TopState(title: "corral test", refreshInterval: 1)
        func sweep(known: Bool, at time: Double) {
            let host = HostSample(cores: 2, cpuPercent: known ? 150 : 0, cpuKnown: known, cgroupMode: "v2")
            let c = ContainerSample(name: "web", id: "w1", state: .running, pid: 42, quotaCores: 0.5,
                                    cpuPercent: known ? 50 : 0, throttledPercent: known ? 80 : 0, ratesKnown: known)
            _ = state.apply(.snapshot(TopSnapshot(host: host, containers: [c]), at: time))
        }
        sweep(known: false, at: 100)
        XCTAssertEqual(state.history["w1"]?.points.count, 0, "a 0 the container never had went into the sparkline")
        var frame = render(state, 200, 30)
        let cpu = try XCTUnwrap(ColumnLayout.layout(width: 200).placed(.cpu))
        let thr = try XCTUnwrap(ColumnLayout.layout(width: 200).placed(.thr))
        var y = try XCTUnwrap(frame.tableRow("web"))
        func text(_ p: ColumnLayout.Placed) -> String {
            String(String.UnicodeScalarView((p.x..<(p.x + p.width)).map { frame[$0, y].scalar }))
                .trimmingCharacters(in: .whitespaces)
        }
        XCTAssertEqual(text(cpu), "-")
        XCTAssertEqual(text(thr), "-")
        XCTAssertTrue(frame.line(1).contains(" -/2 cores"), frame.line(1))

        sweep(known: true, at: 101)
        XCTAssertEqual(state.history["w1"]?.points.map(\.cpuPercent), [50])
        frame = render(state, 200, 30)
        y = try XCTUnwrap(frame.tableRow("web"))
        XCTAssertEqual(text(cpu), "50.0")
        XCTAssertEqual(text(thr), "80%")
        XCTAssertTrue(frame.line(1).contains(" 1.50/2 cores"), frame.line(1))
    }

    func testTheTableSparklineIsScaledToTheQuota() throws {
        // fifth is pinned at its 0.2-core quota: full bars, even though it uses a tenth of the machine.
        let state = sampledState(seconds: 70).state
        let frame = render(state, 200, 60)
        let spark = try XCTUnwrap(ColumnLayout.layout(width: 200).placed(.spark))
        let y = try XCTUnwrap(frame.tableRow("fifth"))
        let cells = (spark.x..<(spark.x + spark.width)).map { frame[$0, y].scalar }
        XCTAssertTrue(cells.allSatisfy { $0 == "▇" || $0 == "█" }, String(String.UnicodeScalarView(cells)))
        XCTAssertTrue((spark.x..<(spark.x + spark.width)).allSatisfy { frame[$0, y].style.role == .useHigh })
        // The paused one has no recent samples... but it had no use either: the lowest level.
        let sleeper = try XCTUnwrap(frame.tableRow("sleeper"))
        XCTAssertEqual(frame[spark.x + spark.width - 1, sleeper].scalar, "▁")
    }

    func testGraphDrawsColumnsAndTheQuotaLine() {
        var frame = Frame(width: 4, height: 4, ascii: false)
        Gauges.graph(into: &frame, x: 0, y: 0, width: 4, height: 4, values: [1, 0.5, 0.0625, nil], line: 0.75,
                     glyphs: .utf8, role: .graphCPU, lineRole: .quotaMark)
        // 0.75 of 4 rows is the boundary under the top row: the line sits in the top row.
        XCTAssertEqual(frame.text, "█───\n█   \n██  \n██▂ ")
        XCTAssertEqual(frame[1, 0].style.role, .quotaMark)
        var inside = Frame(width: 2, height: 4, ascii: false)
        Gauges.graph(into: &inside, x: 0, y: 0, width: 2, height: 4, values: [0.25, nil], line: 0.6,
                     glyphs: .utf8, role: .graphCPU, lineRole: .quotaMark)
        XCTAssertEqual(inside.text, "  \n──\n  \n█ ", "0.6 of 4 rows lies inside the second row from the top")
    }
}
