import XCTest
@testable import TUI

final class ViewTests: XCTestCase {
    func testDetailView() throws {
        var (state, backend, _) = sampledState(seconds: 70)
        _ = state.run(.select("fifth"), .openDetail)
        var frame = render(state, 120, 40)
        XCTAssertTrue(frame.line(0).contains("corral test › fifth"))
        XCTAssertNotNil(frame.row(containing: "reading…"), "before the files arrive")
        _ = state.apply(.detailLoaded(try backend.detail(name: "fifth")))
        frame = render(state, 120, 40)
        XCTAssertTrue(frame.line(1).hasPrefix(" fifth  running  pid "))
        XCTAssertTrue(frame.line(2).contains("quota 0.20 cores"))
        let graphTitle = try XCTUnwrap(frame.row(containing: "CPU (cores), last 60 s"))
        XCTAssertTrue(frame.line(graphTitle).contains("── quota 0.20"))
        // The quota line runs through the graph, and the use hugs it from below.
        let quotaRow = try XCTUnwrap((graphTitle + 1..<frame.height).first { frame.line($0).contains("────────") },
                                     frame.text)
        XCTAssertTrue(frame.line(quotaRow).hasPrefix(" 0.20 ┤"), "the axis names the quota's level")
        XCTAssertEqual(frame[20, quotaRow].style.role, .quotaMark)
        let graph = 7..<(frame.width - 1)
        XCTAssertTrue(graph.allSatisfy { frame[$0, quotaRow].scalar == "─" }, "nothing pokes through the quota:\n\(frame.text)")
        XCTAssertTrue(graph.allSatisfy { frame[$0, quotaRow + 1].scalar != " " }, "pinned just under the line")
        XCTAssertNotNil(frame.row(containing: "Throttled, % of periods"))
        XCTAssertNotNil(frame.row(containing: "KERNEL FILES in /sys/fs/cgroup/{cpu,cpuacct,freezer}/corral/fifth/"))
        let quotaFile = try XCTUnwrap(frame.row(containing: "cpu.cfs_quota_us"))
        XCTAssertTrue(frame.line(quotaFile).contains("20000"))
        XCTAssertNotNil(frame.row(containing: "PROCESSES (2)"))
        XCTAssertNotNil(frame.row(containing: "sh -c 'while :; do :; done'"))
        XCTAssertNotNil(frame.row(containing: "throttled_time"), "a long value wraps instead of being cut")

        let small = render(state, 80, 24)
        XCTAssertNotNil(small.row(containing: "cpu.cfs_quota_us"))
        XCTAssertNotNil(small.row(containing: "CPU (cores), last 60 s"))
    }

    /// The kernel files of a v1 container (17 lines with cpu.stat wrapped) all show at 100x32:
    /// the graphs give up rows before the files are cut.
    func testDetailShowsEveryKernelFileAt100x32() throws {
        var (state, _, _) = sampledState(seconds: 30)
        _ = state.run(.select("fifth"), .openDetail)
        let dir = "/sys/fs/cgroup/cpu/corral/fifth/"
        let files = ["cpu.cfs_quota_us": "20000", "cpu.cfs_period_us": "100000",
                     "cpu.stat": "nr_periods 250\nnr_throttled 250\nthrottled_time 14019121654\nnr_bursts 0\nburst_time 0",
                     "cpuacct.usage": "5019557641", "freezer.state": "THAWED", "pids.max": "4096", "pids.current": "1",
                     "memory.limit_in_bytes": "9223372036854771712", "memory.memsw.limit_in_bytes": "9223372036854771712",
                     "memory.usage_in_bytes": "524288", "memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 0",
                     "cgroup.procs": "5799"]
        _ = state.apply(.detailLoaded(ContainerDetail(
            name: "fifth", kernelFiles: files.sorted { $0.key < $1.key }.map { KernelFileValue(path: dir + $0.key, value: $0.value) },
            processes: [ContainerProcess(pid: 5799, command: "sh -c while :; do :; done")])))
        let frame = render(state, 100, 32)
        XCTAssertNil(frame.row(containing: "more lines"), frame.text)
        for name in files.keys { XCTAssertNotNil(frame.row(containing: name), "\(name) not shown:\n\(frame.text)") }
        XCTAssertNotNil(frame.row(containing: "CPU (cores), last 60 s"))
        XCTAssertNotNil(frame.row(containing: "Throttled, % of periods"))
    }

    func testDetailGraphScale() {
        // A quota puts its level on a row boundary with headroom: 0.2 core on 10 rows → 8 rows.
        XCTAssertEqual(DetailView.graphTop(quota: 0.2, peak: 0.2, hostCores: 2, height: 10), 0.25, accuracy: 1e-9)
        XCTAssertEqual(DetailView.graphTop(quota: 0.25, peak: 0.25, hostCores: 2, height: 13), 0.325, accuracy: 1e-9)
        // A short graph (80x24 has 5 rows) keeps the quota's line off the top row, which is
        // labelled with the scale's top: 3 rows under 0.5, the line in row 1.
        XCTAssertEqual(DetailView.graphTop(quota: 0.5, peak: 0.5, hostCores: 2, height: 5), 0.5 * 5 / 3, accuracy: 1e-9)
        // A peak from before the quota was lowered stays on the graph.
        let top = DetailView.graphTop(quota: 0.2, peak: 1.5, hostCores: 2, height: 10)
        XCTAssertGreaterThanOrEqual(top, 1.5)
        XCTAssertEqual((0.2 / top * 10).truncatingRemainder(dividingBy: 1), 0, accuracy: 1e-9)
        // No quota (or one at the machine's size): a round scale above the peak.
        XCTAssertEqual(DetailView.graphTop(quota: nil, peak: 0.1, hostCores: 2, height: 10), 0.25)
        XCTAssertEqual(DetailView.graphTop(quota: nil, peak: 1, hostCores: 2, height: 10), 2)
        XCTAssertEqual(DetailView.graphTop(quota: 3, peak: 1, hostCores: 2, height: 10), 2)
        XCTAssertEqual(DetailView.graphTop(quota: nil, peak: 0, hostCores: 2, height: 10), 0.25)
    }

    func testKernelFileLabels() {
        let v1 = [KernelFileValue(path: "/sys/fs/cgroup/cpu/corral/web/cpu.cfs_quota_us", value: "1"),
                  KernelFileValue(path: "/sys/fs/cgroup/cpuacct/corral/web/cpuacct.usage", value: "2")]
        XCTAssertEqual(DetailView.fileLabels(v1).title, "/sys/fs/cgroup/{cpu,cpuacct}/corral/web/")
        XCTAssertEqual(DetailView.fileLabels(v1).labels, ["cpu.cfs_quota_us", "cpuacct.usage"])
        let clash = [KernelFileValue(path: "/sys/fs/cgroup/cpu/corral/web/cgroup.procs", value: "1"),
                     KernelFileValue(path: "/sys/fs/cgroup/pids/corral/web/cgroup.procs", value: "1")]
        XCTAssertEqual(DetailView.fileLabels(clash).title, "/sys/fs/cgroup/")
        XCTAssertEqual(DetailView.fileLabels(clash).labels, ["cpu/corral/web/cgroup.procs", "pids/corral/web/cgroup.procs"])
        let v2 = [KernelFileValue(path: "/sys/fs/cgroup/corral/web/cpu.max", value: "max 100000")]
        XCTAssertEqual(DetailView.fileLabels(v2).title, "/sys/fs/cgroup/corral/web/")
    }

    func testMultiLineKernelFilesWrapByLine() {
        let detail = ContainerDetail(name: "web", kernelFiles: [
            KernelFileValue(path: "/sys/fs/cgroup/cpu/corral/web/cpu.stat",
                            value: "nr_periods 151\nnr_throttled 0\nthrottled_time 0\n"),
        ], processes: [])
        XCTAssertEqual(DetailView.fileLines(detail, width: 41), [
            DetailView.FileLine(path: "cpu.stat", value: "nr_periods 151  nr_throttled 0"),
            DetailView.FileLine(path: "", value: "throttled_time 0"),
        ])
    }

    /// The help says what quitting does to the containers: they stay under `top`; the demo
    /// removes its own (unless --keep).
    func testHelpSaysWhatQuittingDoes() {
        var state = sampledState().state
        _ = state.apply(.toggleHelp)
        XCTAssertNotNil(render(state, 100, 40).row(containing: "quit; containers stay"))
        state.onQuit = "removes the demo containers"
        XCTAssertNotNil(render(state, 100, 40).row(containing: "quit; removes the demo containers"))
    }

    func testHelpListsEveryKeyAndFitsAt80x24() {
        var state = sampledState().state
        _ = state.apply(.toggleHelp)
        let frame = render(state, 80, 24)
        for key in ["j k", "Ctrl-F Ctrl-B", "h l", "H L PgDn PgUp", "0  u", "=", "Enter", "K  F9", "d  Del", "o", "e", "/", "< >  F6",
                    "+ -", "?  F1", "q  F10", "Esc"] {
            XCTAssertNotNil(frame.row(containing: key), key)
        }
        XCTAssertNotNil(frame.row(containing: "Slider  ▕███  ┃░░░░▏"))
        XCTAssertNotNil(frame.row(containing: "written where"), "the last help line is on screen")
        XCTAssertNil(frame.row(containing: "…"), "nothing cut at 80 columns")
    }

    func testFormView() {
        var state = sampledState().state
        _ = state.apply(.openNewForm)
        var frame = render(state, 80, 24)
        XCTAssertNotNil(frame.row(containing: "New container"))
        for label in ["Image", "Command", "Name", "CPUs"] { XCTAssertNotNil(frame.row(containing: label)) }
        XCTAssertNotNil(frame.row(containing: "█busybox"), "focus on the empty image field, its default as placeholder")
        _ = state.run(.type("a"), .type("l"))
        XCTAssertNotNil(render(state, 80, 24).row(containing: "al█"), "typing replaces the default, not appends to it")
        _ = state.run(.eraseWord)
        XCTAssertNotNil(frame.row(containing: "image default"), "placeholder for an empty command")
        _ = state.run(.nextField, .type("t"), .type("o"), .type("p"))
        frame = render(state, 80, 24)
        XCTAssertNotNil(frame.row(containing: "top█"))
        _ = state.apply(.focusField(.cpus))
        _ = state.run(.type("x"), .submit)
        XCTAssertNotNil(render(state, 80, 24).row(containing: "CPUs: not a quota"))
    }

    func testPrompts() {
        var state = sampledState().state
        _ = state.run(.select("half"), .askQuota, .type("0"), .type("."), .type("4"))
        XCTAssertTrue(render(state, 100, 30).line(28).hasPrefix(" Quota for half (now 0.50; cores, or 50%, 0 = unlimited): 0.4█"))
        state.overlay = .none
        _ = state.run(.openFilter, .type("b"))
        XCTAssertTrue(render(state, 100, 30).line(28).hasPrefix(" Filter: b█"))
        _ = state.apply(.submit)
        XCTAssertTrue(render(state, 100, 30).line(0).contains("filter \"b\""))
    }

    /// A 64-character name at 80 columns: the name is cut, not what is typed or the keys.
    func testPromptsKeepTheInputAndTheKeysForALongName() {
        let long = "averyveryverylongcontainername-abcdefghijklmnopqrstuvwxyz-012345"
        var state = sampledState(specs: [FakeBackend.Spec(name: long, command: "sleep 1", quota: 0.5, load: .constant(0.1))]).state
        _ = state.run(.select(long), .askQuota, .type("0"), .type("."), .type("3"))
        var status = render(state, 80, 24).line(22)
        XCTAssertTrue(status.contains("0.3█"), status)
        XCTAssertTrue(status.contains("…"), status)
        state.overlay = .none
        _ = state.apply(.askRemove)
        status = render(state, 80, 24).line(22)
        XCTAssertTrue(status.contains("will be killed.") && status.trimmingCharacters(in: .whitespaces).hasSuffix("y remove  n keep"), status)
    }

    /// The same name in the detail view: the title bar and the first line end in "…" where they
    /// are cut, and the first line still starts with the name.
    func testDetailMarksALongNameCut() throws {
        let long = "averyveryverylongcontainername-abcdefghijklmnopqrstuvwxyz-012345"
        var (state, backend, _) = sampledState(specs: [FakeBackend.Spec(name: long, command: "sleep 1", quota: 0.5, load: .constant(0.1))])
        _ = state.run(.select(long), .openDetail)
        _ = state.apply(.detailLoaded(try backend.detail(name: long)))
        for caps in [utf8Color, asciiMono] {
            let frame = render(state, 80, 24, caps)
            let marker = caps.utf8 ? "…" : "~"
            let title = frame.line(0).trimmingCharacters(in: .whitespaces)
            XCTAssertTrue(frame.line(0).contains(marker), title)
            XCTAssertTrue(frame.line(1).hasPrefix(" averyvery"), frame.line(1))
            XCTAssertTrue(frame.line(1).hasSuffix(marker), frame.line(1))
        }
        let middle = render(state, 120, 40).line(0)
        XCTAssertTrue(middle.contains(String(long.prefix(60))) && middle.contains("cgroup"), "the name takes what the right side leaves: \(middle)")
        let wide = render(state, 200, 40)
        XCTAssertFalse(wide.line(0).contains("…"), "room enough: nothing cut")
        XCTAssertFalse(wide.line(1).contains("…"), wide.line(1))
    }

    /// The reason `ps` gives for an exit (the OOM killer) is on the detail's first line too.
    func testDetailSaysWhyAContainerExited() throws {
        var (state, backend, clock) = sampledState(seconds: 5)
        _ = state.run(.select("fifth"), .openDetail)
        _ = state.apply(.detailLoaded(try backend.detail(name: "fifth")))
        var snapshot = try backend.sample()
        let i = try XCTUnwrap(snapshot.containers.firstIndex { $0.name == "fifth" })
        snapshot.containers[i].state = .exited
        snapshot.containers[i].pid = nil
        snapshot.containers[i].exitCode = 137
        snapshot.containers[i].exitReason = "killed by the OOM killer"
        clock.advance(1)
        _ = state.apply(.snapshot(snapshot, at: clock.now))
        let line = render(state, 120, 40).line(1)
        XCTAssertTrue(line.hasPrefix(" fifth  exit 137, killed by the OOM killer  id "), line)
    }

    /// Sorted by COMMAND, then the terminal narrows to 80 columns, where COMMAND is left out:
    /// the title bar says what the rows are sorted by.
    func testTitleBarNamesASortColumnTheWidthLeavesOut() {
        var state = sampledState().state
        while state.sortColumn != .command { _ = state.apply(.sortNext) }
        XCTAssertNotNil(render(state, 120, 30).line(2).range(of: "COMMAND▲"))
        XCTAssertFalse(render(state, 120, 30).line(0).contains("sorted by"))
        XCTAssertTrue(render(state, 80, 24).line(0).contains("sorted by command▲"), render(state, 80, 24).line(0))
        XCTAssertTrue(render(state, 80, 24, asciiMono).line(0).contains("sorted by command^"))
    }

    /// Left/Home/End and Del edit inside the text, as in a shell's line editor; a field too
    /// long for its box keeps the cursor in sight and marks the cut ends with "…".
    func testFormFieldsEditAtTheCursor() {
        var state = sampledState().state
        _ = state.run(.openNewForm, .nextField)
        for c in "abcdef" { _ = state.apply(.type(c)) }
        _ = state.run(.moveCursor(.left), .moveCursor(.left), .type("X"), .moveCursor(.home), .type("Y"),
                      .moveCursor(.end), .type("Z"))
        guard case var .form(form) = state.overlay else { return XCTFail("no form") }
        XCTAssertEqual(form[.command], "YabcdXefZ")
        _ = state.run(.moveCursor(.home), .deleteForward, .moveCursor(.right), .erase)
        guard case let .form(after) = state.overlay else { return XCTFail("no form") }
        XCTAssertEqual(after[.command], "bcdXefZ")
        XCTAssertEqual(after.fields[NewContainerForm.Field.command.rawValue].cursor, 0)

        form = NewContainerForm()
        form[.command] = "sh -c 'echo the start of a long command; sleep 1000; echo and its end'"
        form.focus = .command
        state.overlay = .form(form)
        var frame = render(state, 80, 24)
        var row = frame.line(frame.row(containing: "Command")!)
        XCTAssertTrue(row.contains("… a long command; sleep 1000; echo and its end'█"), row)
        for _ in 0..<80 { _ = state.apply(.moveCursor(.left)) }
        frame = render(state, 80, 24)
        row = frame.line(frame.row(containing: "Command")!)
        XCTAssertTrue(row.contains("sh -c 'echo the start"), row)
        XCTAssertTrue(row.contains("…"), "the end runs on: \(row)")
        let x = try! XCTUnwrap(row.unicodeScalars.map(String.init).firstIndex(of: "s"))
        XCTAssertEqual(frame[x, frame.row(containing: "Command")!].style.role, .inputCursor, "the cursor is on the first letter")
    }

    /// For every text length, window and cursor: the cursor and the character before it (the
    /// one just typed) are shown, never under a "…"; moving the cursor one step scrolls the
    /// view by a jump of half a window at most once every few steps, not at every key.
    func testAFieldWindowKeepsTheCursorAndWhatWasTypedInSight() {
        for width in 1...4 {
            for count in 0...10 {
                for cursor in 0...count { XCTAssertGreaterThanOrEqual(FieldView.firstShown(count: count, cursor: cursor, width: width), 0) }
            }
        }
        for width in 5...30 {
            let window = width - 1
            for count in 0...80 {
                var scrolls = 0
                var previous = 0
                for cursor in 0...count {
                    let start = FieldView.firstShown(count: count, cursor: cursor, width: width)
                    let end = min(count, start + window)
                    let leftMarker = start > 0, rightMarker = end < count
                    let context = "width \(width), \(count) chars, cursor \(cursor): from \(start)"
                    XCTAssertTrue(start >= 0 && cursor - start <= window, context)
                    if leftMarker { XCTAssertGreaterThan(cursor - 1, start, context) }
                    if rightMarker { XCTAssertLessThan(cursor, end - 1, context) }
                    if start != previous { scrolls += 1 }
                    previous = start
                }
                XCTAssertLessThanOrEqual(scrolls, max(1, count / max(1, (window - 3) / 2)) + 1, "width \(width), \(count) chars")
            }
        }
    }

    func testFormat() {
        XCTAssertEqual(Format.fixed(0.125, 2), "0.13")
        XCTAssertEqual(Format.fixed(-0.004, 2), "0.00")
        XCTAssertEqual(Format.fixed(12.345, 1), "12.3")
        XCTAssertEqual(Format.percent(99.94), "99.9")
        XCTAssertEqual(Format.percent(150.4), "150")
        XCTAssertEqual(Format.duration(59), "59s")
        XCTAssertEqual(Format.duration(192), "3m12s")
        XCTAssertEqual(Format.duration(7500), "2h05m")
        XCTAssertEqual(Format.duration(273_600), "3d04h")
        XCTAssertEqual(Format.throttledTime(0), "0")
        XCTAssertEqual(Format.throttledTime(450_000_000), "450ms")
        XCTAssertEqual(Format.throttledTime(12_340_000_000), "12.3s")
        XCTAssertEqual(Format.throttledTime(192_000_000_000), "3m12s")
        XCTAssertEqual(Format.seconds(0.25), "0.25s")
        XCTAssertEqual(Format.seconds(1), "1s")
        XCTAssertEqual(Format.quota(nil, ascii: false), "∞")
        XCTAssertEqual(Format.quota(nil, ascii: true), "inf")
        XCTAssertEqual(Format.quota(0.5, ascii: true), "0.50")
    }
}

final class DetailGraphAt80x24Tests: XCTestCase {
    /// At 80x24 with a real cgroup's dozen kernel files the CPU graph has 5 rows: the quota's
    /// line must be the row labelled with the quota.
    func testTheQuotaLineIsLabelledWithTheQuota() throws {
        var (state, backend, _) = sampledState()
        _ = state.apply(.select("half"))
        _ = state.apply(.openDetail)
        var detail = try backend.detail(name: "half")
        for file in ["cpu.shares", "pids.max", "memory.limit_in_bytes"] {
            detail.kernelFiles.append(KernelFileValue(path: "/sys/fs/cgroup/x/corral/half/" + file, value: "1"))
        }
        _ = state.apply(.detailLoaded(detail))
        let frame = render(state, 80, 24)
        let screen = (0..<24).map { frame.line($0) }.joined(separator: "\n")
        let labelled = try XCTUnwrap(frame.row(containing: "0.50 ┤"), screen)
        XCTAssertTrue(frame.line(labelled).contains("──"), screen)
        let graphRows = try XCTUnwrap(frame.row(containing: "Throttled, %")) - XCTUnwrap(frame.row(containing: "┤"))
        XCTAssertEqual(graphRows, 5, "not the 5-row graph:\n" + screen)
    }

    /// Ctrl-F / Ctrl-B scroll the kernel files a small terminal can't show at once; the counts
    /// of hidden lines are exact, and the app's limit leaves no presses to undo past the end.
    func testCtrlFScrollsTheKernelFiles() throws {
        var (state, backend, _) = sampledState()
        _ = state.run(.select("half"), .openDetail)
        var detail = try backend.detail(name: "half")
        for i in 0..<12 { detail.kernelFiles.append(KernelFileValue(path: "/sys/fs/cgroup/x/corral/half/extra.\(i)", value: "\(i)")) }
        _ = state.apply(.detailLoaded(detail))
        let size = TermSize(cols: 80, rows: 24)
        var frame = render(state, 80, 24)
        let below = try XCTUnwrap(frame.row(containing: "more lines (Ctrl-F)"))
        XCTAssertNil(frame.row(containing: "extra.11"))

        _ = state.apply(.movePage(1))
        frame = render(state, 80, 24)
        XCTAssertNotNil(frame.row(containing: "5 more lines above (Ctrl-B)"), (0..<24).map { frame.line($0) }.joined(separator: "\n"))
        XCTAssertEqual(frame.row(containing: "above (Ctrl-B)"), (frame.row(containing: "KERNEL FILES") ?? 0) + 1,
                       "the count of lines above sits on the pane's first row")
        let lines = DetailView.fileLines(detail, width: 80 * 3 / 5 - 1)
        let firstShown = try XCTUnwrap(frame.row(containing: "above (Ctrl-B)")) + 1
        XCTAssertTrue(frame.line(firstShown).contains(lines[5].path.isEmpty ? lines[5].value : String(lines[5].path.suffix(8))),
                      "line 5 is the first one shown: \(frame.line(firstShown))")

        for _ in 0..<6 { _ = state.apply(.movePage(1)); _ = state.apply(.scrollLimit(DetailView.filesScrollLimit(state, size: size))) }
        frame = render(state, 80, 24)
        XCTAssertNotNil(frame.row(containing: "extra.11"), "the last file is never reached")
        XCTAssertNil(frame.row(containing: "(Ctrl-F)"), "nothing more below the last line")
        let atEnd = state.scroll
        _ = state.apply(.movePage(-1))
        XCTAssertEqual(state.scroll, atEnd - 5, "Ctrl-B after the end moves at once")
        _ = state.run(.movePage(-1), .movePage(-1), .movePage(-1), .movePage(-1))
        XCTAssertEqual(state.scroll, 0)
        _ = state.apply(.movePage(1))
        XCTAssertGreaterThan(state.scroll, 0)
        _ = state.apply(.move(1))
        XCTAssertEqual(state.scroll, 0, "another container's files start at the top")
    }
}
