import XCTest
@testable import TUI

/// A clock the tests move by hand, so the fake backend and the history are repeatable.
final class ManualClock {
    var now: Double = 1000
    func advance(_ seconds: Double) { now += seconds }
}

let utf8Color = Capabilities(utf8: true, colors: 256)
let asciiMono = Capabilities(utf8: false, colors: 0)

/// The fake demo containers sampled `seconds` times, one second apart, applied to a fresh state.
func sampledState(seconds: Int = 30, specs: [FakeBackend.Spec] = FakeBackend.demoSpecs,
                  hostCores: Int = 2) -> (state: TopState, backend: FakeBackend, clock: ManualClock) {
    let clock = ManualClock()
    let backend = FakeBackend(hostCores: hostCores, specs: specs, clock: { clock.now })
    var state = TopState(title: "corral test", refreshInterval: 1)
    for _ in 0..<seconds {
        clock.advance(1)
        let effects = state.apply(.snapshot(try! backend.sample(), at: clock.now))
        XCTAssertEqual(effects, [], "a sweep in the table view needs no backend call")
    }
    return (state, backend, clock)
}

func render(_ state: TopState, _ cols: Int, _ rows: Int, _ caps: Capabilities = utf8Color) -> Frame {
    Render.frame(state, size: TermSize(cols: cols, rows: rows), caps: caps)
}

extension Frame {
    /// The first row whose text contains `needle`.
    func row(containing needle: String) -> Int? {
        (0..<height).first { line($0).contains(needle) }
    }

    /// The row showing container `name` in the table (its name starts the line).
    func tableRow(_ name: String) -> Int? {
        (TableView.firstRow..<height).first { line($0).hasPrefix(name + " ") }
    }

    var nonASCII: [Unicode.Scalar] { cells.map(\.scalar).filter { $0.value >= 0x80 } }
}

extension TopState {
    /// Applies actions in turn and returns all the effects.
    mutating func run(_ actions: Action...) -> [Effect] {
        actions.flatMap { apply($0) }
    }
}
