/// The loop: sweep the backend every refresh interval, wait for keys with a timeout in between,
/// turn keys into actions, apply them to the state, run the effects against the backend at
/// once, and paint. One thread, no Dispatch: the Engine forks from this process. (The Engine's
/// own SweepWorker thread only runs inside a refresh and is parked on a condition variable
/// whenever a key's effect forks.)
final class TopApp {
    private var state: TopState
    private let backend: TopBackend
    private let screen: CursesScreen
    private var hits: [HitRegion] = []
    private var lastSample = -Double.infinity
    private var dirty = true
    private var signal: Int32?

    /// The longest single wait for a key, so a quit signal is seen promptly even when a long
    /// refresh interval is set.
    private static let maxWaitMs = 250.0
    /// How many log lines the logs view asks for.
    private static let logLines = 1000

    init(backend: TopBackend, screen: CursesScreen, options: TopOptions) {
        self.backend = backend
        self.screen = screen
        let interval = options.refreshInterval.isFinite && options.refreshInterval >= 0.1 ? options.refreshInterval : 1
        state = TopState(title: options.title, refreshInterval: interval)
        state.onQuit = options.onQuit
    }

    func run() -> TopExit {
        while !state.quitRequested {
            if let sig = TerminalSignals.takeQuitSignal() { signal = sig; break }
            if monotonicSeconds() >= lastSample + state.refreshInterval { sample() }
            if dirty { draw() }
            let waitMs = min(TopApp.maxWaitMs, max(0, (lastSample + state.refreshInterval - monotonicSeconds()) * 1000))
            guard let key = CursesInput.read(milliseconds: Int32(waitMs.rounded(.up))) else {
                if let sig = CursesInput.hangup() { signal = sig; break }
                continue
            }
            handle(key)
            // Whatever else is already waiting (key repeat, a mouse drag) is applied before the
            // next paint, so a burst costs one frame.
            var burst = 0
            while !state.quitRequested, burst < 64, let more = CursesInput.read(milliseconds: 0) {
                handle(more)
                burst += 1
            }
        }
        return signal.map { .signal($0) } ?? .quit
    }

    private func draw() {
        let size = screen.size
        let rows = Render.viewportRows(state, size: size)
        if rows != state.viewportRows { _ = state.apply(.viewport(rows: rows)) }
        let limit = DetailView.filesScrollLimit(state, size: size)
        if state.scroll > limit, state.overlay == .none, case .detail = state.screen { _ = state.apply(.scrollLimit(limit)) }
        let frame = Render.frame(state, size: size, caps: screen.caps)
        hits = frame.hits
        screen.paint(frame)
        dirty = false
    }

    private func handle(_ key: Key) {
        dirty = true
        switch key {
        case .resize:
            screen.invalidate()
            return
        case .char("\u{0c}"):  // Ctrl-L
            screen.invalidate()
            return
        default:
            break
        }
        let size = screen.size
        if size.cols < TermSize.minimum.cols || size.rows < TermSize.minimum.rows {
            // Nothing is visible: only quitting may happen, not a quota change made blind. The
            // paste brackets still count, so a paste's end is never lost (nor its "q" a quit).
            if key == .pasteStart || key == .pasteEnd {
                dispatch(.paste(key == .pasteStart))
            } else if !state.pasting && (key == .char("q") || key == .function(10)) {
                dispatch(.quit)
            }
            return
        }
        guard let action = KeyMap.action(for: key, in: state, hits: hits) else { return }
        dispatch(action)
    }

    private func dispatch(_ action: Action) {
        var queue = [action]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for effect in state.apply(next) { queue += run(effect) }
        }
        dirty = true
    }

    private func sample() {
        let now = monotonicSeconds()
        lastSample = now
        do {
            dispatch(.snapshot(try backend.sample(), at: now))
        } catch {
            dispatch(.commandFailed("reading the containers: \(error)"))
        }
    }

    /// Runs one effect against the backend now and returns the actions that report its outcome.
    private func run(_ effect: Effect) -> [Action] {
        do {
            switch effect {
            case let .setQuota(name, cores):
                return [.quotaWritten(name: name, cores: cores, writes: try backend.setQuota(name: name, cores: cores))]
            case let .stop(name):
                try backend.stop(name: name)
                return [.stopSent(name)]
            case let .start(name):
                try backend.start(name: name)
                return [.commandDone("started \(name)")]
            case let .pause(name):
                try backend.pause(name: name)
                return [.commandDone("paused \(name)")]
            case let .resume(name):
                try backend.resume(name: name)
                return [.commandDone("resumed \(name)")]
            case let .kill(name):
                try backend.kill(name: name)
                return [.commandDone("killed \(name)")]
            case let .remove(name):
                try backend.remove(name: name)
                return [.commandDone("removed \(name)")]
            case let .create(request):
                return [.created(name: try backend.create(request))]
            case let .loadDetail(name):
                return [.detailLoaded(try backend.detail(name: name))]
            case let .loadLogs(name):
                return [.logsLoaded(name: name, lines: try backend.logs(name: name, lines: TopApp.logLines))]
            case let .shell(name):
                let argv = try backend.shellArgv(name: name)
                screen.suspend()
                defer { screen.resume() }
                let status = try ShellRunner.run(argv)
                // 126/127: no shell to run (or it can't be run); the reason is on the terminal.
                // Other codes are the shell's own (its last command's status).
                if status == 126 || status == 127 {
                    ShellRunner.waitForEnter("[shell in \(name) exited with status \(status); press Enter to return to \(state.title)]")
                }
                return [.commandDone("shell in \(name) exited with status \(status)")]
            case .resample:
                sample()
                return []
            }
        } catch {
            // A refused quota write leaves the row showing what the kernel really has.
            if case .setQuota = effect { sample() }
            return [.commandFailed("\(error)")]
        }
    }
}
