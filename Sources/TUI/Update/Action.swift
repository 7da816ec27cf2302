/// Everything that can happen to the screen state: user intents (from keys and the mouse), new
/// data, and the results of effects the app ran against the backend.
public enum Action: Equatable, Sendable {
    // data
    case snapshot(TopSnapshot, at: Double)
    case viewport(rows: Int)
    /// The furthest the detail view's files pane can scroll at the present size.
    case scrollLimit(Int)

    // selection
    case move(Int)
    /// Down (+1) or up (-1): a screen of rows in the table, five lines of the kernel files in
    /// the detail view (PgUp/PgDn move the quota, as the issue asks).
    case movePage(Int)
    case selectFirst
    case selectLast
    case select(String)

    // quota
    /// ±0.05 / ±0.5 cores on the target container.
    case stepQuota(Double)
    case unlimitedQuota
    case setQuota(name: String, cores: Double?)
    /// The `=` prompt.
    case askQuota
    /// Mouse down on a slider (starts a drag), mouse moved while dragging, mouse released.
    case sliderPress(name: String, cores: Double?)
    case sliderDrag(name: String, cores: Double?)
    case sliderRelease

    // views
    case openDetail
    case openLogs
    case toggleHelp
    case openNewForm
    case openFilter
    case back
    case quit
    case scroll(Int)
    case scrollToStart
    case scrollToEnd

    // lifecycle of the target container
    case toggleRun
    case togglePause
    case kill
    case askRemove
    case confirm(Bool)
    case shell

    // table order and refresh
    case sortNext
    case sortPrevious
    case sortBy(SortColumn)
    case reverseSort
    case refreshSlower
    case refreshFaster

    // text in the prompts and the form
    case type(Character)
    case erase
    case eraseWord
    /// A bracketed paste began (true) or ended.
    case paste(Bool)
    case deleteForward
    case moveCursor(TextField.CursorMove)
    case clearField
    case submit
    case nextField
    case previousField
    case focusField(NewContainerForm.Field)

    // results of effects
    case quotaWritten(name: String, cores: Double?, writes: [KernelWrite])
    case commandDone(String)
    /// The backend sent `stop` to the container; it may still be running.
    case stopSent(String)
    case commandFailed(String)
    case created(name: String)
    case detailLoaded(ContainerDetail)
    case logsLoaded(name: String, lines: [String])
}

/// What the app must do against the backend (or the terminal) after an action.
public enum Effect: Equatable, Sendable {
    case setQuota(name: String, cores: Double?)
    case stop(String)
    case start(String)
    case pause(String)
    case resume(String)
    case kill(String)
    case remove(String)
    case create(NewContainerRequest)
    case loadDetail(String)
    case loadLogs(String)
    case shell(String)
    /// Take a sweep now rather than at the next tick (after a lifecycle change).
    case resample
}
