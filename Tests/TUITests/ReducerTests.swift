import XCTest
@testable import TUI

final class ReducerTests: XCTestCase {
    func testQuotaKeysChangeTheRowAtOnceAndAskForAWrite() {
        var state = sampledState().state
        _ = state.apply(.select("half"))
        XCTAssertEqual(state.apply(.stepQuota(0.05)), [.setQuota(name: "half", cores: 0.55)])
        XCTAssertEqual(state.container(named: "half")?.quotaCores, 0.55, "shown before the next sweep")
        XCTAssertEqual(state.apply(.stepQuota(-0.5)), [.setQuota(name: "half", cores: 0.05)])
        XCTAssertEqual(state.apply(.stepQuota(-0.05)), [], "already at the minimum: nothing to write")
        XCTAssertEqual(state.status, .info("half is at the keys' lowest quota (= sets down to 0.01)"))
        XCTAssertEqual(state.apply(.unlimitedQuota), [.setQuota(name: "half", cores: nil)])
        XCTAssertEqual(state.apply(.stepQuota(0.05)), [], "unlimited has nothing above it")
        XCTAssertEqual(state.status, .info("half has no quota to raise: h or = sets one"))
        XCTAssertNotNil(render(state, 100, 30).row(containing: "half has no quota to raise"))
        XCTAssertEqual(state.apply(.stepQuota(-0.05)), [.setQuota(name: "half", cores: 1.95)])
        // Below the keys' lowest (set with =), a step down leaves it, not raises it.
        XCTAssertEqual(state.apply(.setQuota(name: "half", cores: 0.01)), [.setQuota(name: "half", cores: 0.01)])
        XCTAssertEqual(state.apply(.stepQuota(-0.05)), [])
        XCTAssertEqual(state.container(named: "half")?.quotaCores, 0.01)
        XCTAssertEqual(state.apply(.stepQuota(0.05)), [.setQuota(name: "half", cores: 0.05)])
    }

    func testTheKernelWritesGoToTheStatusLine() throws {
        var state = sampledState().state
        let writes = [KernelWrite(path: "/sys/fs/cgroup/cpu/corral/half/cpu.cfs_period_us", value: "100000"),
                      KernelWrite(path: "/sys/fs/cgroup/cpu/corral/half/cpu.cfs_quota_us", value: "30000")]
        _ = state.apply(.quotaWritten(name: "half", cores: 0.3, writes: writes))
        XCTAssertEqual(state.status, .writes(name: "half", cores: 0.3, writes))
        let frame = render(state, 120, 30)
        let status = frame.line(28)
        XCTAssertTrue(status.contains("half → 0.30 cores"), status)
        XCTAssertTrue(status.contains("cpu.cfs_period_us ← 100000"), status)
        XCTAssertTrue(status.contains("cpu.cfs_quota_us ← 30000"), status)
        XCTAssertTrue(status.contains("in /sys/fs/cgroup/cpu/corral/half/"), status)
        // At 80 columns the files and values still show; the directory is what gets cut.
        let narrow = render(state, 80, 24).line(22)
        XCTAssertTrue(narrow.contains("cpu.cfs_quota_us ← 30000"), narrow)
    }

    /// A message stays with what it is about: the quota writes of `half` survive opening its own
    /// detail, not another container's logs; an old error does not stand under a new form or a
    /// new filter.
    func testAStatusLineDoesNotOutliveWhatItIsAbout() {
        var state = sampledState().state
        let writes = [KernelWrite(path: "/sys/fs/cgroup/cpu/corral/half/cpu.cfs_quota_us", value: "30000")]
        _ = state.apply(.quotaWritten(name: "half", cores: 0.3, writes: writes))
        _ = state.run(.select("half"), .openDetail)
        XCTAssertEqual(state.status, .writes(name: "half", cores: 0.3, writes))
        _ = state.run(.back, .select("fifth"), .openLogs)
        XCTAssertEqual(state.status, .none)

        _ = state.run(.back, .openNewForm)
        _ = state.apply(.commandFailed("a container named half already exists"))
        _ = state.run(.back, .openNewForm)
        XCTAssertEqual(state.status, .none, "the old form's error under a new form")

        _ = state.run(.back, .openFilter, .type("x"), .submit, .back)
        XCTAssertEqual(state.status, .info("filter cleared"))
        _ = state.run(.openFilter, .type("z"), .submit)
        XCTAssertEqual(state.status, .none, "'filter cleared' beside a new filter")
    }

    /// A paste longer than a field can hold is cut, and the form says so (it was cut silently
    /// at 512 characters, and the command ran without its end).
    func testAFullFieldSaysSo() {
        var state = sampledState().state
        _ = state.run(.openNewForm, .nextField)
        for _ in 0..<(TextField.maxLength + 10) { _ = state.apply(.type("x")) }
        guard case let .form(form) = state.overlay else { return XCTFail("no form") }
        XCTAssertEqual(form[.command].count, TextField.maxLength)
        XCTAssertEqual(form.error, "a field holds at most \(TextField.maxLength) characters; the rest was not typed")
    }

    func testARefusedWriteIsAnError() {
        var state = sampledState().state
        _ = state.apply(.commandFailed("write /sys/fs/cgroup/cpu/corral/half/cpu.cfs_quota_us: Invalid argument"))
        let line = render(state, 120, 30).line(28)
        XCTAssertTrue(line.hasPrefix(" error: write /sys/fs/cgroup/cpu/corral/half/cpu.cfs_quota_us: Invalid argument"), line)
    }

    func testExactQuotaPrompt() {
        var state = sampledState().state
        _ = state.apply(.select("fifth"))
        XCTAssertEqual(state.apply(.askQuota), [])
        XCTAssertEqual(state.overlay, .quota(name: "fifth", TextField()))
        XCTAssertEqual(state.run(.type("4"), .type("0"), .type("%")), [])
        XCTAssertEqual(state.apply(.submit), [.setQuota(name: "fifth", cores: 0.4)])
        XCTAssertEqual(state.overlay, .none)

        _ = state.run(.askQuota, .type("x"))
        XCTAssertEqual(state.apply(.submit), [])
        XCTAssertEqual(state.status, .error(QuotaInputError.notANumber("x").description))
        XCTAssertEqual(state.container(named: "fifth")?.quotaCores, 0.4, "a bad value changes nothing")

        _ = state.run(.askQuota, .type("u"), .erase, .type("0"))
        XCTAssertEqual(state.apply(.submit), [.setQuota(name: "fifth", cores: nil)])
        _ = state.run(.askQuota, .type("1"))
        XCTAssertEqual(state.apply(.back), [])
        XCTAssertEqual(state.overlay, .none)
        XCTAssertNil(state.container(named: "fifth")?.quotaCores, "Esc cancels")
    }

    func testLifecycleKeysDependOnTheState() {
        var state = sampledState().state
        _ = state.apply(.select("burner"))
        XCTAssertEqual(state.apply(.toggleRun), [.stop("burner"), .resample])
        XCTAssertEqual(state.apply(.togglePause), [.pause("burner"), .resample])
        XCTAssertEqual(state.apply(.kill), [.kill("burner"), .resample])
        XCTAssertEqual(state.apply(.shell), [.shell("burner")])

        _ = state.apply(.select("sleeper"))
        XCTAssertEqual(state.apply(.togglePause), [.resume("sleeper"), .resample])
        XCTAssertEqual(state.apply(.toggleRun), [.stop("sleeper"), .resample])

        _ = state.apply(.select("oneshot"))
        XCTAssertEqual(state.apply(.toggleRun), [.start("oneshot"), .resample])
        XCTAssertEqual(state.apply(.togglePause), [])
        XCTAssertEqual(state.status, .error("oneshot is not running; nothing to pause"))
        XCTAssertEqual(state.apply(.kill), [])
        XCTAssertEqual(state.apply(.shell), [])
        XCTAssertEqual(state.status, .error("oneshot is exited; a shell needs it running"))
    }

    func testAStopSaysStoppingWhileTheContainerStillRunsAndStoppedOnceItHasEnded() throws {
        var (state, backend, clock) = sampledState()
        _ = state.apply(.select("burner"))
        XCTAssertEqual(state.apply(.toggleRun), [.stop("burner"), .resample])
        // SIGTERM ignored: the sweep the app takes after sending the stop still finds it running.
        clock.advance(0.1)
        _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        XCTAssertEqual(state.apply(.stopSent("burner")), [])
        XCTAssertEqual(state.status, .stopping("burner"))
        XCTAssertEqual(state.container(named: "burner")?.state, .running)
        XCTAssertNotNil(render(state, 100, 30).row(containing: " stopping burner"))
        XCTAssertNil(render(state, 100, 30).row(containing: "stopped burner"))

        clock.advance(1)
        _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        XCTAssertEqual(state.status, .stopping("burner"), "still running a sweep later")

        // The grace period's SIGKILL: the next sweep finds it exited and says so.
        try backend.stop(name: "burner")
        clock.advance(1)
        _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        XCTAssertEqual(state.status, .info("stopped burner"))

        // One that ends at once says so at once.
        _ = state.apply(.select("half"))
        XCTAssertEqual(state.apply(.toggleRun), [.stop("half"), .resample])
        try backend.stop(name: "half")
        clock.advance(0.1)
        _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        _ = state.apply(.stopSent("half"))
        XCTAssertEqual(state.status, .info("stopped half"))
    }

    func testTheGraphsOfAContainerThatEndedDropToZero() throws {
        var (state, backend, clock) = sampledState()
        for _ in 0..<5 {
            clock.advance(1)
            _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        }
        let burner = try XCTUnwrap(state.container(named: "burner"))
        let last = { (s: TopState) in s.history[burner.id]?.resample(buckets: 60, now: s.now) { $0.cpuPercent }.last ?? nil }
        XCTAssertGreaterThan(try XCTUnwrap(last(state)), 50, "the burner was not burning: the test proves nothing")
        try backend.stop(name: "burner")
        for _ in 0..<3 {
            clock.advance(1)
            _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        }
        XCTAssertEqual(state.container(named: "burner")?.state, .exited)
        XCTAssertEqual(last(state), 0, "an ended container's graph holds its last rate")
        XCTAssertEqual(state.history[burner.id]?.resample(buckets: 60, now: state.now) { $0.throttledPercent }.last ?? nil, 0)
        // One that never ran has no line at all.
        let oneshot = try XCTUnwrap(state.container(named: "oneshot"))
        XCTAssertTrue(state.history[oneshot.id]?.points.isEmpty ?? true)
    }

    func testALaterMessageIsNotOverwrittenWhenAStoppingContainerEnds() throws {
        var (state, backend, clock) = sampledState()
        _ = state.apply(.stopSent("burner"))
        XCTAssertEqual(state.status, .stopping("burner"))
        _ = state.apply(.commandDone("paused half"))
        try backend.stop(name: "burner")
        clock.advance(1)
        _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        XCTAssertEqual(state.status, .info("paused half"))
    }

    func testRemoveAsksFirst() {
        var state = sampledState().state
        _ = state.apply(.select("half"))
        XCTAssertEqual(state.apply(.askRemove), [])
        XCTAssertEqual(state.overlay, .confirmRemove("half"))
        XCTAssertTrue(render(state, 100, 30).line(28).contains("Remove half? It is running and will be killed."))
        XCTAssertEqual(state.apply(.confirm(false)), [])
        XCTAssertEqual(state.overlay, .none)
        _ = state.apply(.askRemove)
        XCTAssertEqual(state.apply(.confirm(true)), [.remove("half"), .resample])
    }

    func testNewContainerForm() {
        var state = sampledState().state
        _ = state.apply(.openNewForm)
        _ = state.run(.nextField)
        for c in "sh -c 'while :; do :; done'" { _ = state.apply(.type(c)) }
        _ = state.run(.nextField)
        for c in "web" { _ = state.apply(.type(c)) }
        _ = state.run(.nextField)
        for c in "0.3" { _ = state.apply(.type(c)) }
        let request = NewContainerRequest(image: "busybox", command: ["sh", "-c", "while :; do :; done"],
                                          name: "web", cpus: 0.3)
        XCTAssertEqual(state.apply(.submit), [.create(request)])
        XCTAssertEqual(state.apply(.submit), [], "a second Enter while creating does nothing")

        // The backend's refusal lands in the form, which stays open.
        _ = state.apply(.commandFailed("a container named web exists"))
        guard case let .form(form) = state.overlay else { return XCTFail("form closed") }
        XCTAssertEqual(form.error, "a container named web exists")
        XCTAssertFalse(form.submitted)
        XCTAssertEqual(state.status, .none, "said in the form, not again under it")

        XCTAssertEqual(state.apply(.created(name: "web")), [.resample])
        XCTAssertEqual(state.overlay, .none)
        XCTAssertEqual(state.selectedName, "web")
    }

    func testFormValidation() {
        var form = NewContainerForm()
        form[.image] = "  "
        XCTAssertEqual(form.request(hostCores: 2), .success(NewContainerRequest(image: "busybox", command: [], name: nil, cpus: nil)),
                       "an empty image field means its placeholder, busybox")
        form[.image] = "alpine:3.19"
        XCTAssertEqual(form.request(hostCores: 2), .success(NewContainerRequest(image: "alpine:3.19", command: [], name: nil, cpus: nil)))
        form[.image] = ""
        form[.command] = "sh -c 'unclosed"
        XCTAssertEqual(form.request(hostCores: 2), .failure(.message("command: unclosed quote")))
        form[.command] = ""
        form[.name] = "bad name"
        XCTAssertEqual(form.request(hostCores: 2), .failure(.message("name: letters, digits, '-', '_' and '.' only")))
        form[.name] = ""
        form[.cpus] = "lots"
        XCTAssertEqual(form.request(hostCores: 2), .failure(.message("CPUs: " + QuotaInputError.notANumber("lots").description)))
        form[.cpus] = "50%"
        XCTAssertEqual(form.request(hostCores: 2), .success(NewContainerRequest(image: "busybox", command: [], name: nil, cpus: 0.5)))
    }

    func testShellWords() {
        XCTAssertEqual(try ShellWords.split("sh -c 'a b'  \"c \\\"d\\\"\" e\\ f").get(), ["sh", "-c", "a b", "c \"d\"", "e f"])
        XCTAssertEqual(try ShellWords.split("").get(), [])
        XCTAssertEqual(try ShellWords.split("''").get(), [""])
    }

    func testFilterAsYouTypeAndEscClears() {
        var state = sampledState().state
        _ = state.apply(.openFilter)
        _ = state.run(.type("H"), .type("A"))
        XCTAssertEqual(state.rows.map(\.name), ["half"], "case-insensitive, live")
        XCTAssertEqual(state.selectedName, "half", "the selection moves onto a visible row")
        _ = state.apply(.back)
        XCTAssertEqual(state.filter, "")
        XCTAssertEqual(state.rows.count, 6)

        _ = state.run(.openFilter, .type("e"), .type("x"), .type("i"), .submit)
        XCTAssertEqual(state.filter, "exi")
        XCTAssertEqual(state.rows.map(\.name), ["oneshot"], "matches the state too")
        _ = state.apply(.back)
        XCTAssertEqual(state.filter, "", "Esc in the table clears the filter")

        // Esc in the prompt clears a filter kept from before, as its hint says.
        _ = state.run(.openFilter, .type("h"), .type("a"), .submit)
        XCTAssertEqual(state.rows.map(\.name), ["half"])
        _ = state.run(.openFilter, .back)
        XCTAssertEqual(state.filter, "", "Esc in the prompt kept the filter")
        XCTAssertEqual(state.rows.count, 6)
        XCTAssertEqual(state.status, .info("filter cleared"))
        XCTAssertTrue(render(state, 100, 30).text.contains("filter cleared"))

        _ = state.run(.openFilter, .type("z"), .submit)
        XCTAssertTrue(state.rows.isEmpty)
        XCTAssertNil(state.selectedName)
        XCTAssertEqual(state.apply(.stepQuota(0.05)), [], "no row, no target")
        XCTAssertTrue(render(state, 100, 30).text.contains("No container matches \"z\". Esc clears the filter."))
    }

    /// The filter looks at what the table shows and at the id's start — not at the directory a
    /// container runs on, which every container made from one directory shares.
    /// "web" run on the directory /srv/web, "db" from the busybox image.
    func directoryAndImageContainers(_ state: ContainerState) -> TopState {
        var top = TopState(title: "corral test", refreshInterval: 1)
        _ = top.apply(.snapshot(TopSnapshot(host: HostSample(cores: 2, cpuPercent: 0, cgroupMode: "v1"), containers: [
            ContainerSample(name: "web", id: "25b81f00aa", state: state, command: "httpd", rootfs: "/srv/web"),
            ContainerSample(name: "db", id: "9c0d11ee42", state: state, command: "sleep 100", image: "busybox"),
        ]), at: 1))
        return top
    }

    func testFilterMatchesTheIdButNotTheRootfsPath() {
        var state = directoryAndImageContainers(.running)
        _ = state.run(.openFilter, .type("s"), .type("r"), .type("v"), .submit)
        XCTAssertEqual(state.rows.map(\.name), [], "the rootfs path matched")
        _ = state.run(.openFilter, .back, .openFilter, .type("2"), .type("5"), .type("B"), .submit)
        XCTAssertEqual(state.rows.map(\.name), ["web"], "an id prefix (any case)")
        _ = state.run(.openFilter, .back, .openFilter, .type("b"), .type("u"), .type("s"), .submit)
        XCTAssertEqual(state.rows.map(\.name), ["db"], "the image")
        _ = state.run(.openFilter, .back, .openFilter, .type("d"), .type("1"), .type("1"), .submit)
        XCTAssertEqual(state.rows.map(\.name), [], "the middle of an id")
    }

    func testTheDetailViewSaysRootfsOrImage() throws {
        var state = directoryAndImageContainers(.exited)
        _ = state.run(.select("web"), .openDetail)
        XCTAssertNotNil(render(state, 120, 30).row(containing: "rootfs /srv/web"))
        XCTAssertFalse(render(state, 120, 30).text.contains("image"))
        _ = state.run(.back, .select("db"), .openDetail)
        XCTAssertNotNil(render(state, 120, 30).row(containing: "image busybox"))
        XCTAssertFalse(render(state, 120, 30).text.contains("rootfs"))
    }

    /// An error or notice leaves the status line after a while; the kernel writes of the last
    /// quota change stay (they are the lesson of the demo).
    func testStatusMessagesExpireButKernelWritesStay() throws {
        var (state, backend, clock) = sampledState()
        _ = state.apply(.select("oneshot"))
        _ = state.apply(.togglePause)
        XCTAssertEqual(state.status, .error("oneshot is not running; nothing to pause"))
        for _ in 0..<Int(TopState.statusLifetime) - 1 {
            clock.advance(1)
            _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        }
        XCTAssertEqual(state.status, .error("oneshot is not running; nothing to pause"), "gone too soon")
        clock.advance(1)
        _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        XCTAssertEqual(state.status, .none)
        XCTAssertFalse(render(state, 100, 30).text.contains("nothing to pause"))

        _ = state.apply(.quotaWritten(name: "half", cores: 0.3,
                                      writes: [KernelWrite(path: "/sys/fs/cgroup/cpu/corral/half/cpu.cfs_quota_us", value: "30000")]))
        guard case .writes = state.status else { return XCTFail("no writes shown: \(state.status)") }
        for _ in 0..<30 {
            clock.advance(1)
            _ = state.apply(.snapshot(try backend.sample(), at: clock.now))
        }
        guard case .writes = state.status else { return XCTFail("the writes went: \(state.status)") }
    }

    func testSorting() {
        var state = sampledState().state
        XCTAssertEqual(state.rows.map(\.name), ["burner", "bursty", "fifth", "half", "oneshot", "sleeper"])
        _ = state.apply(.sortBy(.quota))
        XCTAssertEqual(state.rows.map(\.name), ["burner", "oneshot", "bursty", "half", "sleeper", "fifth"],
                       "largest quota first, unlimited largest, ties by name")
        _ = state.apply(.sortBy(.quota))
        XCTAssertTrue(state.sortReversed, "the same column again reverses")
        XCTAssertEqual(state.rows.first?.name, "fifth")
        _ = state.apply(.sortNext)
        XCTAssertEqual(state.sortColumn, .throttled)
        XCTAssertFalse(state.sortReversed)
        _ = state.apply(.sortPrevious)
        _ = state.apply(.sortPrevious)
        XCTAssertEqual(state.sortColumn, .cpu)
        XCTAssertEqual(state.rows.first?.name, "burner", "the unlimited burner uses the most")
        XCTAssertEqual(state.rows.last?.name, "oneshot", "the exited one has no CPU% and goes last")
        _ = state.apply(.reverseSort)
        XCTAssertEqual(state.rows.last?.name, "oneshot", "last also in reverse: a '-' is no 0")
        XCTAssertEqual(state.rows.first?.name, "sleeper", "the paused one uses the least")
        _ = state.apply(.reverseSort)
        _ = state.run(.sortBy(.name), .sortPrevious)
        XCTAssertEqual(state.sortColumn, .command, "wraps around")
        _ = state.apply(.sortBy(.state))
        XCTAssertEqual(state.rows.map(\.state), [.running, .running, .running, .running, .paused, .exited])
    }

    func testSelectionFollowsTheContainer() {
        var (state, backend, clock) = sampledState()
        _ = state.apply(.select("half"))
        _ = state.apply(.sortBy(.cpu))
        XCTAssertEqual(state.selectedName, "half")
        _ = state.run(.move(1), .move(1))
        let below = state.selectedName
        XCTAssertNotEqual(below, "half")

        // The selected container is removed from another terminal: the selection stays in place.
        let index = state.selectedIndex!
        try! backend.remove(name: below!)
        clock.advance(1)
        _ = state.apply(.snapshot(try! backend.sample(), at: clock.now))
        XCTAssertEqual(state.selectedIndex, min(index, state.rows.count - 1))
        XCTAssertNil(state.container(named: below!))

        _ = state.run(.selectLast, .move(5))
        XCTAssertEqual(state.selectedIndex, state.rows.count - 1)
        _ = state.run(.selectFirst, .move(-1))
        XCTAssertEqual(state.selectedIndex, 0)
    }

    func testScrollingKeepsTheSelectionInView() {
        let specs = (0..<50).map { FakeBackend.Spec(name: "c\($0 < 10 ? "0" : "")\($0)", command: "sleep 1", quota: 0.1,
                                                    load: .constant(0.05)) }
        var state = sampledState(seconds: 2, specs: specs).state
        _ = state.apply(.viewport(rows: 19))
        _ = state.apply(.selectLast)
        XCTAssertEqual(state.tableScroll, 31)
        let frame = render(state, 80, 24)
        XCTAssertNotNil(frame.tableRow("c49"))
        XCTAssertNil(frame.tableRow("c30"))
        XCTAssertTrue(frame.line(0).contains("rows 32-50 of 50"), frame.line(0))
        _ = state.apply(.move(-18))
        XCTAssertEqual(state.tableScroll, 31, "moving within the page doesn't scroll")
        _ = state.apply(.move(-1))
        XCTAssertEqual(state.tableScroll, 30)

        // Ctrl-B / Ctrl-F: a screen less one row, so the row at the edge stays in sight.
        _ = state.apply(.selectFirst)
        _ = state.apply(.movePage(1))
        XCTAssertEqual(state.selectedName, "c18")
        XCTAssertEqual(state.tableScroll, 0)
        _ = state.apply(.movePage(1))
        XCTAssertEqual(state.selectedName, "c36")
        XCTAssertEqual(state.tableScroll, 18)
        _ = state.run(.movePage(1), .movePage(1))
        XCTAssertEqual(state.selectedName, "c49", "stops at the last row")
        _ = state.apply(.movePage(-1))
        XCTAssertEqual(state.selectedName, "c31")
    }

    func testRefreshInterval() {
        var state = sampledState().state
        _ = state.apply(.refreshSlower)
        XCTAssertEqual(state.refreshInterval, 2)
        for _ in 0..<10 { _ = state.apply(.refreshSlower) }
        XCTAssertEqual(state.refreshInterval, 10)
        for _ in 0..<10 { _ = state.apply(.refreshFaster) }
        XCTAssertEqual(state.refreshInterval, 0.2, "the least --interval takes")
        XCTAssertEqual(state.status, .info("refresh every 0.2s"))
        XCTAssertTrue(render(state, 100, 30).line(0).contains("refresh 0.2s"))
    }

    func testDetailViewLoadsAndFollows() throws {
        var (state, backend, clock) = sampledState()
        _ = state.apply(.select("fifth"))
        XCTAssertEqual(state.apply(.openDetail), [.loadDetail("fifth")])
        XCTAssertEqual(state.screen, .detail("fifth"))
        clock.advance(1)
        XCTAssertEqual(state.apply(.snapshot(try backend.sample(), at: clock.now)), [.loadDetail("fifth")],
                       "the kernel files are read again each refresh")
        _ = state.apply(.detailLoaded(try backend.detail(name: "fifth")))
        XCTAssertEqual(state.detail?.name, "fifth")
        _ = state.apply(.detailLoaded(try backend.detail(name: "half")))
        XCTAssertEqual(state.detail?.name, "fifth", "a late answer for another container is ignored")

        XCTAssertEqual(state.apply(.stepQuota(0.05)), [.setQuota(name: "fifth", cores: 0.25)], "quota keys act on it")
        XCTAssertEqual(state.apply(.move(1)), [.loadDetail("half")])
        XCTAssertEqual(state.screen, .detail("half"))
        XCTAssertEqual(state.selectedName, "half")

        // Removed from another terminal: back to the table.
        try backend.remove(name: "half")
        clock.advance(1)
        XCTAssertEqual(state.apply(.snapshot(try backend.sample(), at: clock.now)), [])
        XCTAssertEqual(state.screen, .table)
        XCTAssertEqual(state.status, .info("half is gone"))
    }

    func testLogsView() throws {
        var (state, backend, _) = sampledState()
        _ = state.apply(.select("half"))
        XCTAssertEqual(state.apply(.openLogs), [.loadLogs("half")])
        let lines = try backend.logs(name: "half", lines: 1000)
        _ = state.apply(.logsLoaded(name: "half", lines: lines))
        _ = state.apply(.viewport(rows: 21))
        let frame = render(state, 100, 24)
        XCTAssertTrue(frame.line(21).contains(lines.last!), "follows the end")
        _ = state.apply(.scroll(-3))
        XCTAssertEqual(state.scroll, 3)
        XCTAssertTrue(render(state, 100, 24).line(21).contains("3 newer lines below"))
        // New output while scrolled up lands below: the lines read stay where they are.
        let shown = render(state, 100, 24).line(1)
        _ = state.apply(.logsLoaded(name: "half", lines: Array(lines.dropFirst(2)) + ["new one", "new two"]))
        XCTAssertEqual(state.scroll, 5)
        XCTAssertEqual(render(state, 100, 24).line(1), shown, "the view moved under the reader")
        XCTAssertTrue(render(state, 100, 24).line(21).contains("5 newer lines below"))
        _ = state.apply(.scrollToEnd)
        XCTAssertEqual(state.scroll, 0)
        _ = state.apply(.logsLoaded(name: "half", lines: lines + ["newest"]))
        XCTAssertEqual(state.scroll, 0, "following stays following")
        XCTAssertTrue(render(state, 100, 24).line(21).contains("newest"))
        _ = state.apply(.back)
        XCTAssertEqual(state.screen, .table)
    }

    func testLogWindowCountsWhatAReloadAdded() {
        XCTAssertEqual(LogWindow.linesAdded(old: ["a", "b", "c"], new: ["b", "c", "d", "e"]), 2)
        XCTAssertEqual(LogWindow.linesAdded(old: ["a", "b"], new: ["a", "b"]), 0)
        XCTAssertEqual(LogWindow.linesAdded(old: ["w", "x", "y", "y"], new: ["x", "y", "y", "z"]), 1, "a shorter anchor once the window has moved")
        // A half-written last line that has grown since is no anchor.
        XCTAssertEqual(LogWindow.linesAdded(old: ["p1 done", "p2 start..."], new: ["p1 done", "p2 start... done", "p3 start..."]), 1)
        XCTAssertEqual(LogWindow.linesAdded(old: ["a", "b"], new: ["zz", "yy"]), 0, "rotated past: stay, don't jump")
        XCTAssertEqual(LogWindow.linesAdded(old: ["one"], new: ["one", "two"]), 1)
        XCTAssertEqual(LogWindow.linesAdded(old: [], new: ["1"]), 1)
    }

    func testHelpToggles() {
        var state = sampledState().state
        _ = state.apply(.toggleHelp)
        XCTAssertEqual(state.overlay, .help)
        _ = state.apply(.toggleHelp)
        XCTAssertEqual(state.overlay, .none)
        _ = state.run(.toggleHelp, .back)
        XCTAssertEqual(state.overlay, .none)
    }

    func testQuit() {
        var state = sampledState().state
        _ = state.apply(.quit)
        XCTAssertTrue(state.quitRequested)
    }
}
