extension TopState {
    /// Applies one action and returns what the app must do against the backend. Pure: no I/O.
    public mutating func apply(_ action: Action) -> [Effect] {
        switch action {
        case let .snapshot(snapshot, at: time):
            return ingest(snapshot, at: time)
        case let .viewport(rows):
            viewportRows = max(1, rows)
            keepSelectionVisible()
            return []
        case let .scrollLimit(limit):
            if case .detail = screen, overlay == .none { scroll = min(scroll, max(0, limit)) }
            return []

        case let .move(offset):
            if case .detail = screen { return moveDetail(offset) }
            moveSelection(to: (selectedIndex ?? -1) + offset)
            return []
        case let .movePage(pages):
            if case .detail = screen {
                // The kernel files pane, five lines at a time (the app clamps it to the last
                // screen, which only the drawn size tells: `scrollLimit`).
                scroll = max(0, scroll + 5 * pages)
                return []
            }
            let step = max(1, viewportRows - 1) * pages
            moveSelection(to: (selectedIndex ?? 0) + step)
            return []
        case .selectFirst:
            if case .detail = screen { return moveDetail(-rows.count) }
            moveSelection(to: 0)
            return []
        case .selectLast:
            if case .detail = screen { return moveDetail(rows.count) }
            moveSelection(to: rows.count - 1)
            return []
        case let .select(name):
            selectedName = name
            keepSelectionVisible()
            return []

        case let .stepQuota(delta):
            guard let c = target else { return [] }
            let next = QuotaMath.step(c.quotaCores, by: delta, hostCores: snapshot.host.cores)
            if next == c.quotaCores {
                // A key that changes nothing says why, rather than seeming not to work.
                status = .info(c.quotaCores == nil ? "\(c.name) has no quota to raise: h or = sets one"
                                                    : "\(c.name) is at the keys' lowest quota (= sets down to \(Format.cores(QuotaMath.minimumExact)))")
                return []
            }
            return changeQuota(c.name, to: next)
        case .unlimitedQuota:
            guard let c = target else { return [] }
            return changeQuota(c.name, to: nil)
        case let .setQuota(name, cores):
            return changeQuota(name, to: cores)
        case .askQuota:
            guard let c = target else { return [] }
            overlay = .quota(name: c.name, TextField())
            return []
        case let .sliderPress(name, cores):
            selectedName = name
            dragging = name
            return changeQuota(name, to: cores)
        case let .sliderDrag(name, cores):
            guard dragging == name else { return [] }
            return changeQuota(name, to: cores)
        case .sliderRelease:
            dragging = nil
            return []

        case .openDetail:
            guard let c = target else { return [] }
            clearStatus(keepingAbout: c.name)
            screen = .detail(c.name)
            detail = nil
            scroll = 0
            return [.loadDetail(c.name)]
        case .openLogs:
            guard let c = target else { return [] }
            clearStatus(keepingAbout: c.name)
            screen = .logs(c.name)
            logLines = []
            scroll = 0
            return [.loadLogs(c.name)]
        case .toggleHelp:
            overlay = overlay == .help ? .none : .help
            scroll = 0
            return []
        case .openNewForm:
            clearStatus(keepingAbout: nil)
            overlay = .form(NewContainerForm())
            return []
        case .openFilter:
            overlay = .filter(TextField(filter))
            return []
        case .back:
            return back()
        case .quit:
            quitRequested = true
            return []
        case let .scroll(lines):
            scrollBy(lines)
            return []
        case .scrollToStart:
            scroll = screen.isLogs ? max(0, logLines.count - viewportRows) : 0
            return []
        case .scrollToEnd:
            scroll = 0
            return []

        case .toggleRun:
            guard let c = target else { return [] }
            switch c.state {
            case .running, .paused: return [.stop(c.name), .resample]
            case .created, .exited: return [.start(c.name), .resample]
            }
        case .togglePause:
            guard let c = target else { return [] }
            switch c.state {
            case .running: return [.pause(c.name), .resample]
            case .paused: return [.resume(c.name), .resample]
            case .created, .exited:
                status = .error("\(c.name) is not running; nothing to pause")
                return []
            }
        case .kill:
            guard let c = target else { return [] }
            guard c.state.isLive else {
                status = .error("\(c.name) is not running; nothing to kill")
                return []
            }
            return [.kill(c.name), .resample]
        case .askRemove:
            guard let c = target else { return [] }
            overlay = .confirmRemove(c.name)
            return []
        case let .confirm(yes):
            guard case let .confirmRemove(name) = overlay else { return [] }
            overlay = .none
            guard yes else {
                status = .info("kept \(name)")
                return []
            }
            if screen != .table { screen = .table }
            return [.remove(name), .resample]
        case .shell:
            guard let c = target else { return [] }
            guard c.state == .running else {
                status = .error("\(c.name) is \(c.state.rawValue); a shell needs it running")
                return []
            }
            return [.shell(c.name)]

        case .sortNext:
            sortBy(sortColumn.next(1))
            return []
        case .sortPrevious:
            sortBy(sortColumn.next(-1))
            return []
        case let .sortBy(column):
            if column == sortColumn { sortReversed.toggle() } else { sortBy(column) }
            keepSelectionVisible()
            return []
        case .reverseSort:
            sortReversed.toggle()
            keepSelectionVisible()
            return []
        case .refreshSlower:
            refreshInterval = TopState.refreshChoices.first { $0 > refreshInterval + 1e-9 } ?? refreshInterval
            status = .info("refresh every \(Format.seconds(refreshInterval))")
            return []
        case .refreshFaster:
            refreshInterval = TopState.refreshChoices.last { $0 < refreshInterval - 1e-9 } ?? refreshInterval
            status = .info("refresh every \(Format.seconds(refreshInterval))")
            return []

        case let .paste(on):
            pasting = on
            return []
        case let .type(c):
            var full = false
            editText { full = !$0.type(c) }
            if full {
                let message = "a field holds at most \(TextField.maxLength) characters; the rest was not typed"
                if case var .form(form) = overlay {
                    form.error = message
                    overlay = .form(form)
                } else {
                    status = .error(message)
                }
            }
            return []
        case .erase:
            editText { $0.erase() }
            return []
        case .eraseWord:
            editText { $0.eraseWord() }
            return []
        case .deleteForward:
            editText { $0.deleteForward() }
            return []
        case let .moveCursor(move):
            editText { $0.moveCursor(move) }
            return []
        case .clearField:
            editText { $0.clear() }
            return []
        case .submit:
            return submit()
        case .nextField, .previousField:
            guard case var .form(form) = overlay else { return [] }
            form.moveFocus(action == .nextField ? 1 : -1)
            overlay = .form(form)
            return []
        case let .focusField(field):
            guard case var .form(form) = overlay else { return [] }
            form.focus = field
            overlay = .form(form)
            return []

        case let .quotaWritten(name, cores, writes):
            status = .writes(name: name, cores: cores, writes)
            return []
        case let .commandDone(message):
            status = .info(message)
            return []
        case let .stopSent(name):
            // The app takes a sweep between sending the stop and this, so the row is current.
            status = stillRuns(name) ? .stopping(name) : .info("stopped \(name)")
            return []
        case let .commandFailed(message):
            if case var .form(form) = overlay, form.submitted {
                // Said inside the form; the status line under it would say it again, and
                // outlive the next attempt's different error.
                form.submitted = false
                form.error = message
                overlay = .form(form)
                return []
            }
            status = .error(message)
            return []
        case let .created(name):
            if case .form = overlay { overlay = .none }
            selectedName = name
            status = .info("created \(name)")
            return [.resample]
        case let .detailLoaded(loaded):
            if case let .detail(name) = screen, name == loaded.name { detail = loaded }
            return []
        case let .logsLoaded(name, lines):
            guard case let .logs(shown) = screen, shown == name else { return [] }
            // Scrolled up (scroll counts from the end): what arrived goes below, out of sight.
            // (While help is open over the logs, scroll is the help's.)
            if scroll > 0, overlay == .none {
                scroll = min(scroll + LogWindow.linesAdded(old: logLines, new: lines), max(0, lines.count - viewportRows))
            }
            logLines = lines
            return []
        }
    }

    // MARK: - data

    private func stillRuns(_ name: String) -> Bool {
        guard let c = container(named: name) else { return false }
        return c.state.isLive
    }

    private mutating func ingest(_ new: TopSnapshot, at time: Double) -> [Effect] {
        let oldIndex = selectedIndex ?? 0
        snapshot = new
        now = time
        var kept: [String: History] = [:]
        for c in new.containers {
            var h = history[c.id] ?? History()
            if c.showsRates {
                h.record(time: time, cpuPercent: c.cpuPercent, throttledPercent: c.throttledPercent)
            } else if !c.state.isLive && !h.points.isEmpty {
                // Ended: it uses no CPU. Without a point the graphs held its last rate for the
                // rest of the minute, as if it still ran at its quota.
                h.record(time: time, cpuPercent: 0, throttledPercent: 0)
            }
            kept[c.id] = h
        }
        history = kept
        if case let .stopping(name) = status, !stillRuns(name) { status = .info("stopped \(name)") }
        switch status {
        case .info, .error:
            statusSweeps += 1
            if Double(statusSweeps) * refreshInterval >= Self.statusLifetime { status = .none }
        case .none, .stopping, .writes: break
        }

        // If the selected container went away, stay at the same place in the list.
        keepSelectionVisible(fallbackIndex: oldIndex)

        switch screen {
        case let .detail(name):
            if container(named: name) == nil {
                screen = .table
                status = .info("\(name) is gone")
                return []
            }
            return [.loadDetail(name)]
        case let .logs(name):
            return container(named: name) == nil ? [] : [.loadLogs(name)]
        case .table:
            return []
        }
    }

    // MARK: - selection

    private mutating func moveSelection(to index: Int) {
        let list = rows
        guard !list.isEmpty else { selectedName = nil; return }
        selectedName = list[min(max(index, 0), list.count - 1)].name
        keepSelectionVisible()
    }

    /// In the detail view ↑/↓ walk through the containers in table order.
    private mutating func moveDetail(_ offset: Int) -> [Effect] {
        guard case let .detail(current) = screen else { return [] }
        let list = rows
        guard !list.isEmpty else { return [] }
        let here = list.firstIndex { $0.name == current } ?? 0
        let next = list[min(max(here + offset, 0), list.count - 1)].name
        guard next != current else { return [] }
        selectedName = next
        clearStatus(keepingAbout: next)
        screen = .detail(next)
        detail = nil
        scroll = 0
        keepSelectionVisible()
        return [.loadDetail(next)]
    }

    /// Keeps the selection on a visible row (falling back to the row at `fallbackIndex` when the
    /// selected one went away or was filtered out) and scrolls it into the viewport.
    private mutating func keepSelectionVisible(fallbackIndex: Int = 0) {
        let list = rows
        guard !list.isEmpty else {
            selectedName = nil
            tableScroll = 0
            return
        }
        let index: Int
        if let name = selectedName, let found = list.firstIndex(where: { $0.name == name }) {
            index = found
        } else {
            index = min(max(fallbackIndex, 0), list.count - 1)
            selectedName = list[index].name
        }
        if index < tableScroll { tableScroll = index }
        if index >= tableScroll + viewportRows { tableScroll = index - viewportRows + 1 }
        tableScroll = max(0, min(tableScroll, list.count - viewportRows))
    }

    private mutating func sortBy(_ column: SortColumn) {
        sortColumn = column
        sortReversed = false
        status = .info("sorted by \(column.label)")
        keepSelectionVisible()
    }

    // MARK: - quota

    /// Updates the row at once (the key must feel immediate) and asks the app to write it now.
    private mutating func changeQuota(_ name: String, to cores: Double?) -> [Effect] {
        guard let index = snapshot.containers.firstIndex(where: { $0.name == name }) else { return [] }
        if snapshot.containers[index].quotaCores == cores { return [] }
        snapshot.containers[index].quotaCores = cores
        return [.setQuota(name: name, cores: cores)]
    }

    // MARK: - views

    /// A message about what an earlier key did must not stand under a view it is not about (the
    /// quota writes of one container under another's logs, an old form error under a new form);
    /// what concerns the container now shown stays.
    private mutating func clearStatus(keepingAbout name: String?) {
        switch status {
        case let .writes(about, _, _) where about == name: return
        case let .stopping(about) where about == name: return
        default: status = .none
        }
    }

    private mutating func back() -> [Effect] {
        switch overlay {
        case .filter:
            // As its hint says, and as htop's: Esc in the prompt clears the filter, also one
            // kept from before (Enter keeps what is typed).
            if !filter.isEmpty { status = .info("filter cleared") }
            filter = ""
            overlay = .none
            keepSelectionVisible()
            return []
        case .form, .help, .quota, .confirmRemove:
            overlay = .none
            scroll = 0
            return []
        case .none:
            break
        }
        switch screen {
        case .detail, .logs:
            screen = .table
            scroll = 0
        case .table:
            if !filter.isEmpty {
                filter = ""
                status = .info("filter cleared")
                keepSelectionVisible()
            }
        }
        return []
    }

    private mutating func scrollBy(_ lines: Int) {
        let page = max(1, viewportRows - 1)
        var step = lines
        if abs(lines) == KeyMap.pageStep { step = lines > 0 ? page : -page }
        if screen.isLogs && overlay == .none {
            // Logs scroll is counted up from the end, so the newest lines stay in view by default.
            scroll = min(max(0, scroll - step), max(0, logLines.count - viewportRows))
        } else {
            scroll = max(0, scroll + step)
        }
    }

    // MARK: - text entry

    private mutating func editText(_ change: (inout TextField) -> Void) {
        switch overlay {
        case var .form(form):
            form.edit(change)
            overlay = .form(form)
        case .filter(var field):
            change(&field)
            overlay = .filter(field)
            filter = field.text  // the table filters as you type
            keepSelectionVisible()
        case .quota(let name, var field):
            change(&field)
            overlay = .quota(name: name, field)
        case .none, .help, .confirmRemove:
            break
        }
    }

    private mutating func submit() -> [Effect] {
        switch overlay {
        case var .form(form):
            guard !form.submitted else { return [] }
            switch form.request(hostCores: snapshot.host.cores) {
            case let .success(request):
                form.submitted = true
                form.error = nil
                overlay = .form(form)
                return [.create(request)]
            case let .failure(error):
                form.error = error.description
                overlay = .form(form)
                return []
            }
        case let .filter(field):
            filter = field.text.trimmingSpaces()
            clearStatus(keepingAbout: nil)
            overlay = .none
            keepSelectionVisible()
            return []
        case let .quota(name, field):
            switch QuotaMath.parse(field.text, hostCores: snapshot.host.cores) {
            case let .success(cores):
                overlay = .none
                let effects = changeQuota(name, to: cores)
                if effects.isEmpty {
                    status = .info("\(name) already has " + (cores.map { "quota \(Format.cores($0)) cores" } ?? "no quota (unlimited)"))
                }
                return effects
            case let .failure(error):
                overlay = .none
                status = .error(error.description)
                return []
            }
        case .none, .help, .confirmRemove:
            return []
        }
    }
}

extension Screen {
    var isLogs: Bool { if case .logs = self { return true } else { return false } }
}
